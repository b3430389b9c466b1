"""The national consolidated Excel against the national summary (issue 20, item 15).

    PYTHONPATH=$PWD python benchmarks/bench_export.py [--repeat 3] [--workdir DIR]

Budget: the consolidated workbook of the whole country (3,321 communes × 16 criteria) costs at most 3 × the
national summary (`readiness summary --json`). Both are timed in one process, alternately, as the median of
`--repeat` runs (wall and CPU time: the machine is shared, so the wall time also measures the wait for a core),
and once each through the command line (`readiness summary --json`, `readiness export`), CPU of the child
process. The database is bench_report.py's national demo (built on the first run, about a minute, then reused).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench_report import DATES, use_database

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.settings import NATIONAL
from readiness.outputs import export
from readiness.reading import queries

RATIO = 3.0


def _times(run: Callable[[], object]) -> tuple[float, float, object]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def _cli(arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU time of one `readiness` command in a child process (its own resource usage, from wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "readiness.cli", *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, f"readiness {' '.join(arguments)} exited with {child.returncode}"
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    args = parser.parse_args()
    use_database(args.workdir, NATIONAL)
    as_of = DATES[0]
    cases = {
        "national summary": partial(queries.summary, as_of=as_of, province=NATIONAL),
        "national consolidated xlsx": partial(
            export.consolidated_workbook, as_of=as_of, province=NATIONAL, lang="vi", actor=OPERATOR
        ),
    }
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    size = 0
    for _ in range(args.repeat):
        for name, run in cases.items():
            with db.session() as session:
                wall, cpu, result = _times(partial(run, session))
            walls[name].append(wall)
            cpus[name].append(cpu)
            if isinstance(result, bytes):
                size = len(result)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1/5/15 min) at the end: {load}; {size / 1e6:.1f} MB workbook")
    print("| measure | wall (median) | CPU (median) |")
    print("|---|---:|---:|")
    for name in cases:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"| {name} (in process) | {wall:.2f} s | {cpu:.2f} s |")
    summary_cpu = statistics.median(cpus["national summary"])
    export_cpu = statistics.median(cpus["national consolidated xlsx"])
    ratio = export_cpu / summary_cpu
    print(f"| ratio, CPU (budget ≤ {RATIO:.0f} ×) | | {ratio:.1f} × |")
    if not args.no_cli:
        day = as_of.isoformat()
        with tempfile.TemporaryDirectory() as folder:
            for name, arguments in (
                ("readiness summary --json", ["summary", "--json", "--as-of", day, "--province", NATIONAL]),
                ("readiness export", ["export", "--out", f"{folder}/x.xlsx", "--as-of", day, "--province", NATIONAL]),
            ):
                wall, cpu = _cli(arguments)
                print(f"| {name} (command line, once) | {wall:.2f} s | {cpu:.2f} s |")
    return 0 if ratio <= RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
