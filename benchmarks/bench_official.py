"""Official report speed (Nghị định 30/2020 format): PDF and .docx for Hà Nội (126 communes), demo history.

    PYTHONPATH=$PWD python benchmarks/bench_official.py [--repeat 3] [--workdir DIR]

Budget (issue 10): at most 3 s per file for a province; and (issue 20) the first report after installing costs
at most 1.5 times a later one, in CPU time. The static serif files are made by `readiness init`, timed here as a
fresh install's (READINESS_CACHE_DIR emptied first). Then: `readiness report --official` twice, each in a process
of its own (the command line), and each format in this process as in the app's (its chart renderer warmed up as
app.py does), on its first run and as the best of `--repeat` runs, in wall-clock time (the budget) and in CPU time
(all threads; what the report costs when the machine is shared and busy). The SQLite database in --workdir is
built with the demo data on the first run and reused afterwards.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from readiness import bootstrap, demo
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.settings import get_settings
from readiness.outputs import charts, official

BUDGET_S = 3.0
FIRST_RATIO = 1.5
AS_OF = date(2025, 10, 15)


def _child(arguments: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU time of `readiness ARGUMENTS` in a process of its own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "readiness.cli", *arguments], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per format, at least 2")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    path = args.workdir / "bench-official-01.db"
    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["READINESS_PROVINCE"] = "01"
    os.environ["READINESS_CACHE_DIR"] = str(args.workdir / "bench-official-cache")
    db.reset_caches()
    built = path.exists()
    # Always: a database kept from an older version is migrated first.
    bootstrap.init()
    if not built:
        print(f"building {path} (demo data) …", flush=True)
        with db.write_session() as session:
            demo.load(session, OPERATOR)
    shutil.rmtree(get_settings().cache_dir, ignore_errors=True)
    wall, cpu = _child(["init"])
    print(f"readiness init on a fresh install (fonts made): {wall:.2f} s (CPU {cpu:.2f} s)")
    failed = False
    # The command line: every report runs in a process of its own; the first after installing against a later one.
    out = args.workdir / "bench-official.pdf"
    command = ["report", "--official", "--out", str(out), "--as-of", AS_OF.isoformat(), "--number", "12"]
    (first, first_cpu), (later, later_cpu) = _child(command), _child(command)
    failed |= first_cpu > FIRST_RATIO * later_cpu
    print(
        f"readiness report --official (PDF, a process each): first after install {first:.2f} s (CPU "
        f"{first_cpu:.2f} s), later {later:.2f} s (CPU {later_cpu:.2f} s), first/later CPU "
        f"{first_cpu / later_cpu:.2f} (at most {FIRST_RATIO})"
    )
    # The app: one server process, whose start has warmed the chart renderer up (app.py) long before a click.
    warm = threading.Thread(target=charts.warm_up)
    warm.start()
    warm.join()
    details = official.Details.from_settings("01", number="12")
    for fmt in official.FORMATS:
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            with db.session() as session:
                data = official.official_report(session, AS_OF, "01", fmt, details, actor=OPERATOR)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best, later_cpu = min(times), min(cpu[1:])
        failed |= best > BUDGET_S or cpu[0] > FIRST_RATIO * later_cpu
        print(
            f"{fmt:<5} in the app's process: first {times[0]:.2f} s (CPU {cpu[0]:.2f} s), best {best:.2f} s "
            f"(CPU {later_cpu:.2f} s later), first/later CPU {cpu[0] / later_cpu:.2f} (at most {FIRST_RATIO}), "
            f"{len(data):,} bytes (budget {BUDGET_S:.0f} s)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
