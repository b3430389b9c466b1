"""Report speed: the province PDF for Hà Nội (126 communes) and the national PDF (3,321 communes), demo history.

    PYTHONPATH=$PWD python benchmarks/bench_report.py [--repeat 3] [--workdir DIR]

Budget (issue 5): province report at most 3 s, national report at most 10 s. Each case is timed on its first run
in the process (vl-convert starts up then) and as the best of `--repeat` runs. The databases are SQLite files in
--workdir, built with the demo data on the first run and reused afterwards (the national demo takes about a
minute to load). The consolidated Excel export and the commune sheet are timed too, without a budget. The last
case is the longest warning list there can be: a national database where only two communes have reported, so
3,319 are listed.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import Session

from readiness import bootstrap, demo
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import Origin, ResultBase, SubmissionCreate
from readiness.core.settings import NATIONAL
from readiness.intake import submissions
from readiness.outputs import export, report

BUDGETS = {"01": 3.0, NATIONAL: 10.0}
# The end of the demo story (everyone green, short report) and its second week (a long warning list).
DATES = (date(2025, 11, 15), date(2025, 7, 8))
SILENT_DAY = date(2025, 8, 1)


def use_database(workdir: Path, province: str, silent: bool = False) -> None:
    path = workdir / f"bench-report-{province}{'-silent' if silent else ''}.db"
    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["READINESS_PROVINCE"] = province
    db.reset_caches()
    if path.exists():
        return
    print(f"building {path} …", flush=True)
    bootstrap.init()
    with db.write_session() as session:
        if silent:
            submissions.save(session, [_all_green(code, SILENT_DAY) for code in ("00070", "26506")])
        else:
            demo.load(session, OPERATOR)


def _all_green(code: str, day: date) -> SubmissionCreate:
    return SubmissionCreate(
        commune_code=code,
        reporting_date=day,
        received_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
        received_from="benchmark",
        origin=Origin.UPLOAD,
        results=[ResultBase(criterion_code=f"TC{i:02d}", value=1) for i in range(1, 17)],
    )


def timed(run: Callable[[], bytes], repeat: int) -> tuple[float, float, bytes]:
    times, data = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        data = run()
        times.append(time.perf_counter() - start)
    return times[0], min(times), data


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    failed = False
    for province, label in (("01", "Hà Nội, 126 communes"), (NATIONAL, "national, 3,321 communes")):
        use_database(args.workdir, province)
        with db.session() as session:
            for as_of in DATES:
                failed |= not province_report(session, province, as_of, label, args.repeat)
            run = partial(report.commune_report, session, "00070", DATES[0], "vi", actor=OPERATOR)
            first, best, _ = timed(run, args.repeat)
            print(f"commune sheet    {label:26}: first {first:5.2f} s, best {best:5.2f} s")
            run = partial(export.consolidated_workbook, session, DATES[0], province, "vi", actor=OPERATOR)
            first, _, data = timed(run, 1)
            print(f"consolidated xlsx {label:25}: {first:5.2f} s, {len(data) / 1e6:.1f} MB")
        db.reset_caches()
    use_database(args.workdir, NATIONAL, silent=True)
    with db.session() as session:
        failed |= not province_report(session, NATIONAL, SILENT_DAY, "national, 2 reported", args.repeat)
    db.reset_caches()
    return 1 if failed else 0


def province_report(session: Session, province: str, as_of: date, label: str, repeat: int) -> bool:
    """Time the province report, print the figures; whether it kept its budget."""
    run = partial(report.province_report, session, as_of, province, "vi", actor=OPERATOR)
    first, best, data = timed(run, repeat)
    ok = best <= BUDGETS[province]
    print(
        f"province report  {label:26} as of {as_of}: first {first:5.2f} s, best {best:5.2f} s, "
        f"{pages(data):3} pages  (budget {BUDGETS[province]:.0f} s: {'ok' if ok else 'OVER'})"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
