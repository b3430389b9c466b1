"""The upload page with many files: 126 filled commune checklists dropped in at once, checked, then confirmed.

    PYTHONPATH=$PWD python benchmarks/bench_upload.py [--repeat 3]

Budget (issue 23): checking the 126 files on the page takes at most 5 s of server time, confirming them at most
5 s. The page runs in Streamlit's AppTest (the server's script run, without a browser); each figure is the best of
`--repeat` runs on a fresh SQLite database. Also printed: the domain calls alone (check_files, confirm_files) and
the peak of Python allocations while checking (tracemalloc), which stays bounded by a chunk of files.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_import import make_files, use_fresh_database  # noqa: E402

import ui  # noqa: E402
from readiness.access import auth, sessions  # noqa: E402
from readiness.access.auth import OPERATOR  # noqa: E402
from readiness.core import db  # noqa: E402
from readiness.core.models import Role  # noqa: E402
from readiness.intake import excel  # noqa: E402

BUDGET = 5.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN = "_bench_session_token"


def officer_page() -> AppTest:
    with db.write_session() as session:
        officer = auth.create_account(session, OPERATOR, "bench-officer", Role.OFFICER, "bench-password-123")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[TOKEN] = sessions.open_session(officer, "bench")
    at.run()
    at.switch_page("pages/upload.py").run()
    return at


def page_run(directory: Path, name: str, files: list[tuple[str, bytes]]) -> tuple[float, float, float, float]:
    """Seconds of the page's run that checks every file and of the run that confirms them: elapsed, then CPU time
    of the process (the server's own work, whatever else the machine's cores are doing)."""
    use_fresh_database(directory, name)
    at = officer_page()
    for filename, data in files:
        at.file_uploader[0].upload(filename, data, XLSX)
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    checked, checked_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not at.exception and f"**{len(files)} tệp**: {len(files)} sẵn sàng nhập" in at.markdown[0].value
    start, cpu = time.perf_counter(), time.process_time()
    at.button[0].click().run()
    confirmed, confirmed_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not at.exception and at.success[0].value.startswith(f"Đã nhập {len(files)} tệp")
    return checked, confirmed, checked_cpu, confirmed_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # AppTest has no browser cookie: the login session's token comes from session state, as in the tests.
    ui.session_token = lambda: st.session_state.get(TOKEN)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        use_fresh_database(directory, "setup.db")
        files = make_files("15/11/2025", 57)
        print(f"{len(files)} filled checklists, {sum(len(d) for _, d in files) / 1e6:.1f} MB in all")

        runs = [page_run(directory, f"page{attempt}.db", files) for attempt in range(args.repeat)]
        check, confirm, check_cpu, confirm_cpu = (min(r[i] for r in runs) for i in range(4))

        domain = []
        for attempt in range(args.repeat):
            use_fresh_database(directory, f"domain{attempt}.db")
            tracemalloc.start()
            start = time.perf_counter()
            outcomes = excel.check_files(files, OPERATOR)
            middle = time.perf_counter()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            excel.confirm_files([o.archive_id for o in outcomes], OPERATOR)
            domain.append((middle - start, time.perf_counter() - middle, peak))
        # tracemalloc slows the check it watches: the domain timings come from the untraced confirm and a
        # separate untraced check.
        use_fresh_database(directory, "untraced.db")
        start = time.perf_counter()
        excel.check_files(files, OPERATOR)
        untraced = time.perf_counter() - start

    print(f"{'page: check 126 files (one script run)':<44} {check * 1000:7.0f} ms, CPU {check_cpu * 1000:5.0f} ms")
    print(
        f"{'page: confirm 126 files (one script run)':<44} {confirm * 1000:7.0f} ms, CPU {confirm_cpu * 1000:5.0f} ms"
    )
    print(f"{'excel.check_files, 126 files':<44} {untraced * 1000:7.0f} ms")
    print(f"{'excel.confirm_files, 126 files':<44} {min(d[1] for d in domain) * 1000:7.0f} ms")
    print(f"{'peak Python allocations while checking':<44} {min(d[2] for d in domain) / 1e6:7.1f} MB")
    verdict = "within" if max(check, confirm) <= BUDGET else "OVER"
    print(f"budget {BUDGET:.0f} s each (elapsed): the page is {verdict} budget; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
