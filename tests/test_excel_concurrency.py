"""Two processes import for the same commune at the same moment: both end correctly, nothing is lost, and no
"database is locked" reaches the user (SQLite and PostgreSQL)."""

import multiprocessing
import os

from excel_fill import checklist
from sqlalchemy import func, select

from readiness import db, excel, queries
from readiness.auth import OPERATOR
from readiness.models import ImportFile, Submission

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
    assert len(history) == 2 * ROUNDS
    assert history["superseded"].tolist() == [False] + [True] * (2 * ROUNDS - 1)


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
