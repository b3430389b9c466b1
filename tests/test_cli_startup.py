"""`readiness --help` loads no heavy library: the commands import pandas, fpdf, altair and openpyxl when they run."""

import subprocess
import sys

from conftest import PROJECT_DIR

HEAVY = ("pandas", "altair", "fpdf", "openpyxl", "vl_convert", "python_calamine", "sqlalchemy")

PROBE = f"""
import runpy, sys
sys.argv = ["readiness", "--help"]
try:
    runpy.run_module("readiness.cli", run_name="__main__")
except SystemExit as exit:
    assert exit.code == 0, exit.code
print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)
"""


def test_help_imports_no_heavy_library():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=PROJECT_DIR, check=True)
    assert "usage: readiness" in done.stdout
    assert done.stderr.strip() == "[]"
