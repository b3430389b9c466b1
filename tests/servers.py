"""The app served as users get it (`streamlit run app.py` from this worktree), for the API and browser tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def serve(log_path: Path, **env: str) -> Iterator[str]:
    """`streamlit run app.py` with the current READINESS_ settings (and `env`) until the block ends; its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env={**os.environ, "PYTHONPATH": str(PROJECT), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        try:
            while not healthy(url):
                try:
                    process.wait(timeout=0.25)  # the pause between polls, and a crash noticed at once
                except subprocess.TimeoutExpired:
                    if time.monotonic() > deadline:
                        pytest.fail(f"the server did not answer within 60 s; log: {log_path}")
                else:
                    pytest.fail(f"the server exited with {process.returncode}: {log_path.read_text()}")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)
