"""Task register speed: importing the demo's 202-task plan written into the app's plan template, and reading the
classified register with its summary (what the Nhiệm vụ page, the PDF and `tasks summary` each do once).

    PYTHONPATH=$PWD python benchmarks/bench_tasks.py [--repeat 5] [--postgres URL]

Each figure is the best of `--repeat` runs, on a fresh SQLite database (and on PostgreSQL when a URL is given).
"""

import argparse
import io
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import create_engine, text

from readiness import bootstrap
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.intake import task_import
from readiness.intake import task_workbook as workbook
from readiness.reading import tasks as register

AS_OF = date(2025, 11, 14)


def plan_file() -> bytes:
    """The demo's plan, as a DOST officer would type it into the template."""
    from readiness import demo_tasks

    with db.write_session() as session:
        demo_tasks.load(session)
        frame = register.register(session, AS_OF)
        template = workbook.plan_template(session)
        demo_tasks.clear(session)
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[workbook.PLAN_SHEET]
    for r, row in enumerate(frame.itertuples(), start=5):
        values = [row.code, row.content, row.source_document, str(row.level), row.objective, row.lead_unit_code,
                  row.coordinating_unit_codes, row.deadline or workbook.CONTINUOUS]  # fmt: skip
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def measure(url: str, repeat: int, label: str) -> None:
    os.environ["READINESS_DATABASE_URL"] = url
    os.environ["READINESS_PROVINCE"] = "01"
    db.reset_caches()
    bootstrap.init()
    data = plan_file()

    def import_plan() -> None:
        (outcome,) = task_import.import_files([("ke-hoach.xlsx", data)], OPERATOR, dry_run=True)
        assert outcome.outcome == "accepted", outcome.problems

    (outcome,) = task_import.import_files([("ke-hoach.xlsx", data)], OPERATOR)
    assert outcome.created == 202

    def read() -> None:
        with db.session() as session:
            register.summary(register.register(session, AS_OF), AS_OF)

    checked, summed = best(repeat, import_plan), best(repeat, read)
    print(f"{label}: check 202-task plan {checked:.0f} ms; register + summary {summed:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be emptied")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        measure(f"sqlite:///{Path(directory) / 'tasks.db'}", args.repeat, "SQLite")
    if args.postgres:
        engine = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS bench_tasks CASCADE"))
            connection.execute(text("CREATE SCHEMA bench_tasks"))
        measure(f"{args.postgres}?options=-csearch_path%3Dbench_tasks", args.repeat, "PostgreSQL")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA bench_tasks CASCADE"))


if __name__ == "__main__":
    main()
