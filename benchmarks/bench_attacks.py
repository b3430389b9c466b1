"""Hostile workbooks (tests/attack_corpus.py): each must be refused or read within 2 s and 300 MB.

    PYTHONPATH=$PWD python benchmarks/bench_attacks.py [--only NAME]

Each file is checked by `readiness import --dry-run`'s code path (`excel.import_files(..., dry_run=True)`) in a
fresh process, so that one file's peak memory does not hide another's: the process imports the app and reads
the catalog first, then reads the file. Printed per file: size, wall time of the read, the process's peak
resident memory before and its peak during the read (VmRSS, VmHWM), outcome and number of problems.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

BUDGET_SECONDS = 2.0
BUDGET_MB = 300


def _memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def measure(path: Path) -> dict:
    """In this (fresh) process: read one file as a dry-run import does."""
    from readiness.access.permissions import OPERATOR
    from readiness.core import db
    from readiness.intake import excel

    with db.session() as session:
        excel.load_context(session)
    data = path.read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from the current size
    before = _memory_mb("VmRSS")
    start = time.perf_counter()
    (outcome,) = excel.import_files([(path.name, data)], OPERATOR, dry_run=True)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "before_mb": before,
        "peak_mb": _memory_mb("VmHWM"),
        "outcome": str(outcome.outcome),
        "problems": getattr(outcome, "problem_count", len(outcome.problems)),
        "listed": len(outcome.problems),
        "first": outcome.problems[0].message("en")[:90] if outcome.problems else "",
    }


def build(directory: Path) -> dict[str, Path]:
    from attack_corpus import corpus
    from excel_fill import checklist, fill_province

    from readiness import bootstrap
    from readiness.core import db
    from readiness.core.criteria import criteria
    from readiness.intake import excel
    from readiness.reading import queries

    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{directory / 'bench.db'}"
    os.environ["READINESS_PROVINCE"] = "01"
    db.reset_caches()
    bootstrap.init()
    with db.session() as session:
        codes = [c.code for c in criteria(session)]
        communes = queries.communes(session, "01")["code"].tolist()
        province = excel.province_workbook(session, "01")
    wrong = fill_province(province, "15/11/2025", {c: {code: ("???", None) for code in codes} for c in communes})
    paths = {}
    for index, (name, data) in enumerate(corpus(checklist(), wrong).items()):
        path = directory / f"attack{index:02}.xlsx"
        path.write_bytes(data)
        paths[name] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="one attack, by (part of) its name")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process's job
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = build(Path(tmp))
        print(f"{'attack':<44} {'size':>8} {'time':>7} {'peak MB':>8} {'(+ read)':>8}  outcome, problems")
        worst_time = worst_mb = 0.0
        for name, path in paths.items():
            if args.only and args.only not in name:
                continue
            done = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=120,
            )
            if done.returncode:
                print(f"{name:<44} FAILED {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(done.stdout.splitlines()[-1])
            worst_time, worst_mb = max(worst_time, r["seconds"]), max(worst_mb, r["peak_mb"])
            print(
                f"{name:<44} {path.stat().st_size / 1024:6.0f} kB {r['seconds']:6.2f}s {r['peak_mb']:8.0f} "
                f"{r['peak_mb'] - r['before_mb']:+8.0f}  {r['outcome']}, {r['problems']} ({r['listed']} listed)"
                f"  {r['first']}"
            )
        verdict = "within" if worst_time <= BUDGET_SECONDS and worst_mb <= BUDGET_MB else "OVER"
        budget = f"{BUDGET_SECONDS} s, {BUDGET_MB} MB"
        print(f"worst: {worst_time:.2f} s, {worst_mb:.0f} MB peak: {verdict} the budget ({budget})")


if __name__ == "__main__":
    main()
