"""Two processes import for the same commune at the same moment: both end correctly, nothing is lost, and no
"database is locked" reaches the user (SQLite and PostgreSQL)."""

import multiprocessing
import os

from excel_fill import checklist
from sqlalchemy import func, select

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import ImportFile, Result, Submission
from readiness.intake import excel
from readiness.reading import queries

ROUNDS = 5


def _import_at_the_barrier(url: str, files: list[tuple[str, bytes]], barrier, results) -> None:
    os.environ["READINESS_DATABASE_URL"] = url
    os.environ["READINESS_PROVINCE"] = "01"
    db.reset_caches()
    barrier.wait()
    try:
        for filename, data in files:
            (outcome,) = excel.import_files([(filename, data)], OPERATOR)
            results.put((filename, str(outcome.outcome), [p.message("en") for p in outcome.problems]))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("", "error", [repr(exc)]))


def run_two_processes(url: str, first: list[tuple[str, bytes]], second: list[tuple[str, bytes]]) -> list[tuple]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [
        context.Process(target=_import_at_the_barrier, args=(url, files, barrier, results)) for files in (first, second)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(len(first) + len(second))]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return outcomes


def test_two_different_checklists_for_the_same_commune_both_land_and_the_newest_wins(initialized):
    first = [(f"a{i}.xlsx", checklist(TC02=(100 + i, None))) for i in range(ROUNDS)]
    second = [(f"b{i}.xlsx", checklist(TC02=(200 + i, None))) for i in range(ROUNDS)]

    outcomes = run_two_processes(initialized, first, second)

    assert sorted(outcomes) == sorted((name, "accepted", []) for name, _ in first + second)
    with db.session() as session:
        history = queries.commune_history(session, "00070")
        stored = session.execute(
            select(Submission.id, Submission.received_at, Result.value)
            .join(Result)
            .where(Submission.commune_code == "00070", Result.criterion_code == "TC02")
        ).all()
        shown = queries.commune_status(session, history["reporting_date"].iat[0], "00070")
    # Nothing lost: every value sent is stored once.
    assert sorted(value for _, _, value in stored) == [100 + i for i in range(ROUNDS)] + [
        200 + i for i in range(ROUNDS)
    ]
    # The newest wins, by the time the database received it (ties by id), found here independently of the query.
    newest_id, _, newest_value = max(stored, key=lambda row: (row.received_at, row.id))
    assert history.loc[~history["superseded"], "id"].tolist() == [newest_id]
    assert shown.set_index("criterion_code").at["TC02", "value"] == newest_value


def test_the_same_file_from_two_processes_is_stored_once(initialized):
    files = [(f"same{i}.xlsx", checklist(TC02=(100 + i, None))) for i in range(ROUNDS)]

    outcomes = run_two_processes(initialized, files, files)

    assert all(problems == [] for _, _, problems in outcomes), outcomes
    for name, _ in files:
        assert sorted(status for filename, status, _ in outcomes if filename == name) == ["accepted", "duplicate"]
    with db.session() as session:
        assert session.execute(select(func.count(Submission.id))).scalar_one() == ROUNDS
        archived = session.execute(select(ImportFile.outcome, func.count()).group_by(ImportFile.outcome)).all()
    assert sorted(archived) == [("accepted", ROUNDS), ("duplicate", ROUNDS)]
