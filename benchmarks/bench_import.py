"""Import speed: 126 filled commune checklists, against only opening the same files with openpyxl (read-only).

    PYTHONPATH=$PWD python benchmarks/bench_import.py [--repeat 3]

Budget (issue 3): the import takes at most 1.5 × the bare openpyxl read time. Each figure is the best of
`--repeat` runs; the real import runs on a fresh SQLite database each time.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from excel_fill import fill_checklist, planned_values  # noqa: E402

from readiness import bootstrap  # noqa: E402
from readiness.access.auth import OPERATOR  # noqa: E402
from readiness.core import db  # noqa: E402
from readiness.core.criteria import criteria  # noqa: E402
from readiness.intake import excel  # noqa: E402
from readiness.reading import queries  # noqa: E402

BUDGET = 1.5


def use_fresh_database(directory: Path, name: str) -> None:
    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{directory / name}"
    os.environ["READINESS_PROVINCE"] = "01"
    db.reset_caches()
    bootstrap.init()


def make_files(day: str, seed: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    with db.session() as session:
        catalog = criteria(session)
        communes = queries.communes(session, "01")["code"].tolist()
        files = []
        for code in communes:
            typed, _ = planned_values(rng, catalog)
            template = excel.commune_checklist(session, code, prefill=False)
            files.append((f"{code}.xlsx", fill_checklist(template, day, typed)))
    return files


def best(repeat: int, run: Callable[[], object], before: Callable[[int], None] | None = None) -> float:
    times = []
    for attempt in range(repeat):
        if before:
            before(attempt)
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def openpyxl_read(files: list[tuple[str, bytes]]) -> None:
    for _, data in files:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for sheet in workbook.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        workbook.close()


def calamine_read(files: list[tuple[str, bytes]]) -> None:
    for _, data in files:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        use_fresh_database(directory, "setup.db")
        files = make_files("15/11/2025", 57)
        next_week = make_files("22/11/2025", 58)
        size = sum(len(data) for _, data in files) / len(files)
        print(f"{len(files)} filled checklists, {size / 1000:.1f} kB each")

        bare = best(args.repeat, lambda: openpyxl_read(files))
        calamine = best(args.repeat, lambda: calamine_read(files))
        dry = best(args.repeat, lambda: excel.import_files(files, OPERATOR, dry_run=True))
        real = best(
            args.repeat,
            lambda: excel.import_files(files, OPERATOR),
            before=lambda attempt: use_fresh_database(directory, f"run{attempt}.db"),
        )
        # The usual case: every commune has reported before, so each file is compared with its previous report.
        week_two = best(
            args.repeat,
            lambda: excel.import_files(next_week, OPERATOR),
            before=lambda attempt: _with_week_one(directory, f"week{attempt}.db", files),
        )
        with db.session() as session:
            assert len(queries.commune_history(session, "00070")) == 2

    def line(label: str, seconds: float) -> str:
        return f"{label:<36} {seconds * 1000:8.0f} ms {len(files) / seconds:8.0f} files/s {seconds / bare:6.2f} × bare"

    print(line("openpyxl read-only, open + read", bare))
    print(line("python-calamine, open + read", calamine))
    print(line("import --dry-run", dry))
    print(line("import (SQLite, one commit per file)", real))
    print(line("import, every commune reported before", week_two))
    slowest = max(real, week_two)
    verdict = "within" if slowest <= BUDGET * bare else "OVER"
    print(f"budget {BUDGET} × bare = {BUDGET * bare * 1000:.0f} ms: import is {verdict} budget")


def _with_week_one(directory: Path, name: str, files: list[tuple[str, bytes]]) -> None:
    use_fresh_database(directory, name)
    excel.import_files(files, OPERATOR)


if __name__ == "__main__":
    main()
