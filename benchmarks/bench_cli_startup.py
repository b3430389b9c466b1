"""Start-up cost of `readiness --help` against a bare `python -c "import openpyxl"` (issue 13, item 15).

Run: PYTHONPATH=$PWD python benchmarks/bench_cli_startup.py [--repeat 7]. Prints the median wall time and the
median peak resident memory of each command, each run in a fresh process.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    'python -c "import openpyxl"': [sys.executable, "-c", "import openpyxl"],
    "python -m readiness.cli --help": [sys.executable, "-m", "readiness.cli", "--help"],
}


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0, command
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    results = {}
    for name, command in COMMANDS.items():
        runs = [measure(command) for _ in range(repeat)]
        results[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        print(f"{name:<34} {results[name][0]:.2f} s  {results[name][1]:.0f} MB")
    (base_s, base_mb), (cli_s, cli_mb) = results.values()
    print(f"ratio: {cli_s / base_s:.1f}x time, {cli_mb / base_mb:.1f}x memory")


if __name__ == "__main__":
    main()
