"""Load and memory: N concurrent sessions against one `streamlit run app.py`, province or national, SQLite or
PostgreSQL.

    PYTHONPATH=$PWD python benchmarks/bench_load.py --scale province --database sqlite --sessions 30
    PYTHONPATH=$PWD python benchmarks/bench_load.py --scale national --database postgresql --sessions 10

Each session is a browser context of one headless Chromium (Playwright, Debian's /usr/bin/chromium): log in
(the password form) → overview → heatmap → commune page. A page's time runs from the navigation (the login click,
or the click on the sidebar link) until its main elements are visible and the script has finished: the KPIs and
the trend chart, the heatmap chart(s), the commune's metrics and criteria table. Up to --concurrency sessions run
their steps at once; every session stays open (its WebSocket and Streamlit session alive) until all are done. One
session runs first to warm the server (imports, caches) and is not counted: the figures are a running server's.
With --returning, Streamlit's immutable /static/ files come from a shared in-process cache, as from the HTTP
cache of a browser that has opened the app before.

Server memory: the Streamlit process's resident set (VmRSS from /proc, sampled every 50 ms) and the kernel's
peak (VmHWM). Server CPU: user + system seconds the Streamlit process used during the measured wave.

Databases (Hà Nội demo for "province", national demo for "national"): SQLite files in --workdir, PostgreSQL
databases readiness_bench_province / readiness_bench_national on --postgres; built on first use (the national demo
takes 2–5 minutes) and reused afterwards; --drop removes the PostgreSQL one at the end.
Goals (issue 12): province, 30 sessions: p95 ≤ 2 s per page; national, 10 sessions: server under 1.5 GB resident.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "deploy"))
import healthcheck  # noqa: E402  (deploy/ is not a package)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACCOUNT, PASSWORD = "bench-officer", "bench-officer-nq57"
PAGES = ("login", "overview", "heatmap", "commune")
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
TIMEOUT_MS = 600_000


def prepare(scale: str, database: str, workdir: Path, postgres: str) -> str:
    """The benchmark database's URL, built with the demo data and the benchmark account on first use."""
    name = f"readiness_bench_{scale}"
    if database == "sqlite":
        url = f"sqlite:///{workdir / f'{name}.db'}"
    else:
        admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = make_url(postgres).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
    os.environ["READINESS_DATABASE_URL"] = url
    os.environ["READINESS_PROVINCE"] = "all" if scale == "national" else "01"

    from readiness import auth, bootstrap, db, demo, queries
    from readiness.auth import OPERATOR
    from readiness.models import Role

    db.reset_caches()
    bootstrap.init()
    with db.session() as session:
        empty = queries.data_version(session)[0] == 0
    if empty:
        print(f"loading the {scale} demo into {url} …", flush=True)
        with db.write_session() as session:
            demo.load(session, OPERATOR)
    with db.write_session() as session:
        if ACCOUNT not in set(auth.list_accounts(session, OPERATOR)["name"]):
            auth.create_account(session, OPERATOR, ACCOUNT, Role.OFFICER, PASSWORD)
    db.reset_caches()
    return url


def drop(postgres: str, scale: str) -> None:
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS readiness_bench_{scale} WITH (FORCE)"))
    admin.dispose()


class Memory:
    """Samples a process's resident set in a thread; `peak` is the highest sample, `hwm` the kernel's peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def status(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise LookupError(field)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak = max(self.peak, self.status("VmRSS"))

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


class StaticCache:
    """A returning browser's HTTP cache: Streamlit's /static/ files are immutable (hashed names, "Cache-Control:
    immutable"), so a browser that has opened the app before asks the server only for the page and the session.
    Browser contexts do not share a cache; this hands every context the files fetched once."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, dict, bytes]] = {}

    async def attach(self, context) -> None:
        await context.route("**/static/**", self.serve)

    async def serve(self, route) -> None:
        url = route.request.url
        if url not in self.files:
            response = await route.fetch()
            self.files[url] = (response.status, response.headers, await response.body())
        status, headers, body = self.files[url]
        await route.fulfill(status=status, headers=headers, body=body)


async def visit(
    browser, url: str, national: bool, times: dict[str, list[float]] | None, static: StaticCache | None
) -> object:
    """One session: log in, overview, heatmap, commune page. Records each page's time; returns the open context."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    if static is not None:
        await static.attach(context)
    page = await context.new_page()
    idle = page.locator(IDLE)
    charts = page.get_by_test_id("stVegaLiteChart")

    def drawn(chart: int):
        return charts.nth(chart).locator("svg.marks, canvas").first

    async def timed(name: str, start: float, *visible) -> None:
        for locator in visible:
            await locator.wait_for(state="visible")
        await idle.wait_for(state="attached")
        if times is not None:
            times[name].append(time.perf_counter() - start)

    start = time.perf_counter()
    await page.goto(url)
    await timed("login", start, page.get_by_label("Tên đăng nhập"))
    await page.get_by_label("Tên đăng nhập").fill(ACCOUNT)
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    start = time.perf_counter()
    await page.get_by_role("button", name="Đăng nhập").click()
    overview = page.get_by_role("heading", name="Mức độ sẵn sàng của xã, phường")
    await timed("overview", start, overview, page.get_by_test_id("stMetricValue").nth(4), drawn(0))

    start = time.perf_counter()
    await page.get_by_test_id("stSidebarNavLink").filter(has_text="Bản đồ nhiệt").click()
    heading = page.get_by_role("heading", name="Bản đồ nhiệt mức độ sẵn sàng")
    heatmaps = [drawn(i) for i in range(2 if national else 1)]
    await timed("heatmap", start, heading, *heatmaps)

    start = time.perf_counter()
    await page.get_by_test_id("stSidebarNavLink").filter(has_text="Trang xã, phường").click()
    heading = page.get_by_role("heading", name="Trang xã, phường")
    await timed(
        "commune", start, heading, page.get_by_test_id("stMetricValue").nth(2), page.get_by_test_id("stDataFrame").first
    )
    return context


async def wave(
    url: str, sessions: int, concurrency: int, national: bool, returning: bool, all_open: Callable[[], None]
) -> dict[str, list[float]]:
    """Runs the sessions; `all_open` is called once every session has finished its pages, all still open."""
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {name: [] for name in PAGES}
    static = StaticCache() if returning else None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = await visit(browser, url, national, None, static)
        await warm.close()
        limit = asyncio.Semaphore(concurrency)

        async def one() -> object:
            async with limit:
                return await visit(browser, url, national, times, static)

        contexts = await asyncio.gather(*(one() for _ in range(sessions)))
        all_open()
        for context in contexts:
            await context.close()
        await browser.close()
    return times


def _running(server: subprocess.Popen) -> None:
    # Waiting on the server doubles as the pause between health polls and notices a crash at once.
    try:
        server.wait(timeout=0.25)
    except subprocess.TimeoutExpired:
        return
    sys.exit(f"the server exited with {server.returncode}")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["province", "national"], default="province")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--concurrency", type=int, help="sessions stepping at once (default: all)")
    parser.add_argument(
        "--returning",
        action="store_true",
        help="browsers that have opened the app before: Streamlit's immutable /static/ files come from their cache",
    )
    parser.add_argument("--port", type=int, default=8621)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-load")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("READINESS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL URL with the right to create databases",
    )
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL benchmark database afterwards")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    url = prepare(args.scale, args.database, args.workdir, args.postgres)
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
    command += ["--browser.gatherUsageStats", "false"]
    log = (args.workdir / f"streamlit-{args.port}.log").open("w")
    server = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{args.port}"
    try:
        failing = healthcheck.wait([address], 60, pause=lambda: _running(server))
        if failing:
            sys.exit(f"the server did not answer within 60 s: {args.workdir / log.name}")
        memory = Memory(server.pid)
        idle_rss = memory.status("VmRSS")
        cpu_before = memory.cpu_seconds()
        start = time.perf_counter()
        concurrency = args.concurrency or args.sessions
        held = []
        times = asyncio.run(
            wave(
                address,
                args.sessions,
                concurrency,
                args.scale == "national",
                args.returning,
                lambda: held.append(memory.status("VmRSS")),
            )
        )
        elapsed = time.perf_counter() - start
        cpu = memory.cpu_seconds() - cpu_before
        memory.stop()
        hwm = memory.status("VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        if args.drop and args.database == "postgresql":
            drop(args.postgres, args.scale)

    mb = 2**20
    print(
        f"{args.scale}, {args.database}, {args.sessions} sessions ({args.concurrency or args.sessions} at once"
        f"{', returning browsers' if args.returning else ', first visits'}), "
        f"{make_url(url).render_as_string()}, {elapsed:.1f} s, server CPU {cpu:.1f} s ({cpu / elapsed:.0%} of one "
        f"core), load {os.getloadavg()[0]:.1f}"
    )
    views = sum(len(values) for values in times.values())
    print(f"server CPU per page view: {cpu / views * 1000:.0f} ms over {views} page views")
    print(f"{'page':10s} {'p50':>7s} {'p95':>7s} {'max':>7s}")
    every = [value for values in times.values() for value in values]
    for name, values in [*times.items(), ("all pages", every)]:
        print(f"{name:10s} {statistics.median(values):6.2f}s {p95(values):6.2f}s {max(values):6.2f}s")
    print(
        f"server resident memory: started {idle_rss / mb:.0f} MB, peak sampled {memory.peak / mb:.0f} MB, "
        f"with all sessions open {held[0] / mb:.0f} MB, peak (VmHWM) {hwm / mb:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
