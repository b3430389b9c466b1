"""Dashboard speed with the national registry (3,321 communes) and 20 weeks of demo history in SQLite.

Budgets (issue 4): overview page in AppTest ≤ 2 s cold and ≤ 0.3 s warm; heatmap query for one province ≤ 100 ms.

    PYTHONPATH=$PWD python benchmarks/bench_dashboard.py [--database PATH]

Without --database the demo database is built in a temporary folder (about a minute); with it, an existing file is
reused (built there on first use).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 11, 20)
BUDGETS = {"overview cold": 2.0, "overview warm": 0.3, "heatmap query (Hà Nội)": 0.1}


def _median(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="SQLite file to build or reuse")
    args = parser.parse_args()
    if args.database:
        return run(args.database)
    with tempfile.TemporaryDirectory() as folder:
        return run(Path(folder) / "national.db")


def run(path: Path) -> int:
    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["READINESS_PROVINCE"] = "all"

    from sqlalchemy import func, select
    from streamlit.testing.v1 import AppTest

    import ui
    from readiness import bootstrap, demo
    from readiness.access import auth, sessions
    from readiness.access.permissions import OPERATOR
    from readiness.core import db
    from readiness.core.models import Submission
    from readiness.reading import queries

    db.reset_caches()
    start = time.perf_counter()
    bootstrap.init()
    with db.session() as session:
        present = session.execute(select(func.count(Submission.id))).scalar_one() > 0
    if not present:
        with db.write_session() as session:
            demo.load(session, OPERATOR)
    print(f"database ready in {time.perf_counter() - start:.1f} s: {path}")
    with db.session() as session:
        submissions = session.execute(select(func.count(Submission.id))).scalar_one()
        communes = len(queries.communes(session, "all"))
    print(f"{communes:,} communes, {submissions:,} submissions, as of {AS_OF:%d/%m/%Y}")
    # Pages show figures to logged-in accounts only (the app re-reads the account from the database on each run).
    with db.write_session() as session:
        if "bench-leader" not in auth.account_names(session):
            auth.create_account(session, OPERATOR, "bench-leader", "leader", "bench-leader-password")
    with db.session() as session:
        leader = auth.actor_for(session, "bench-leader")
    # The login cookie, which AppTest cannot send, as the tests give it (tests/conftest.py): a real login session.

    token = sessions.open_session(leader, "bench_dashboard")
    ui.session_token = lambda: token

    figures = {}

    def overview() -> AppTest:
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=120)
        at.session_state["as_of"] = AS_OF
        return at

    first = overview()
    start = time.perf_counter()
    first.run()
    figures["overview, first run in the process (imports included)"] = time.perf_counter() - start
    assert not first.exception, first.exception

    def cold() -> None:
        ui.clear_cache()
        at = overview()
        at.run()
        assert at.metric[0].value.endswith("/3.321"), at.metric[0].value

    figures["overview cold"] = _median(cold, 3)
    warm = overview()
    warm.run()
    figures["overview warm"] = _median(warm.run, 5)

    with db.session() as session:
        figures["heatmap query (Hà Nội)"] = _median(lambda: queries.status(session, AS_OF, "01"), 10)
        status = queries.status(session, AS_OF, "01")
        figures["heatmap rows: filter and sort (Hà Nội)"] = _median(
            lambda: queries.select_communes(status, search="hoan kiem"), 10
        )
        figures["status, whole country"] = _median(lambda: queries.status(session, AS_OF, "all"), 3)
        figures["trend, whole country"] = _median(lambda: queries.trend(session, AS_OF, "all"), 3)
        for day in (date(2025, 9, 15), AS_OF):
            figures[f"timeliness, whole country, as of {day:%d/%m}"] = _median(
                lambda day=day: queries.timeliness(session, day, "all"), 3
            )
            figures[f"timeliness, Hà Nội, as of {day:%d/%m}"] = _median(
                lambda day=day: queries.timeliness(session, day, "01"), 5
            )
        figures["timeliness, one commune (commune page)"] = _median(
            lambda: queries.timeliness(session, AS_OF, "all", "00070"), 5
        )
        figures["reporting weeks, whole country"] = _median(lambda: queries.reporting(session, AS_OF, "all"), 3)
        figures["ranking, Hà Nội"] = _median(lambda: queries.ranking(session, AS_OF, "01"), 5)

    missed = []
    db.reset_caches()  # close the files before a temporary folder goes
    for name, seconds in figures.items():
        budget = BUDGETS.get(name)
        verdict = ""
        if budget is not None:
            verdict = f"  (budget {budget * 1000:.0f} ms: {'ok' if seconds <= budget else 'MISSED'})"
            if seconds > budget:
                missed.append(name)
        print(f"{name:55s} {seconds * 1000:8.0f} ms{verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
