"""Health check of Streamlit replicas: GET <url>/_stcore/health must answer 200.

    python deploy/healthcheck.py http://127.0.0.1:8501 http://127.0.0.1:8502     # exit 0 when all answer
    python deploy/healthcheck.py --wait 60 http://127.0.0.1:8501                  # poll up to 60 s first

The systemd units use it after starting a replica and from the health timer; the deployment test waits for its
replicas with it. Standard library only, so it runs without the app's environment.
"""

import argparse
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence


def healthy(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait(urls: Sequence[str], seconds: float, pause: Callable[[], None] = lambda: time.sleep(0.25)) -> list[str]:
    """Poll until every URL is healthy or `seconds` have passed; returns those still failing. `pause` runs
    between rounds (a caller may wait on its child processes instead, to notice a crash at once)."""
    deadline = time.monotonic() + seconds
    failing = [url for url in urls if not healthy(url)]
    while failing and time.monotonic() < deadline:
        pause()
        failing = [url for url in failing if not healthy(url)]
    return failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+", help="base URL of each replica, e.g. http://127.0.0.1:8501")
    parser.add_argument("--wait", type=float, default=0, metavar="SECONDS", help="poll up to this long (default 0)")
    args = parser.parse_args()
    failing = wait(args.urls, args.wait)
    for url in failing:
        print(f"unhealthy: {url}", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
