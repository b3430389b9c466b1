"""Load and memory: N concurrent sessions against one `streamlit run app.py`, province or national, SQLite or
PostgreSQL.

    PYTHONPATH=$PWD python benchmarks/bench_load.py --scale province --database sqlite --sessions 30 --think 5
    PYTHONPATH=$PWD python benchmarks/bench_load.py --scale national --database postgresql --sessions 10

Each session is what a browser tab sends and receives, without drawing: the page's HTML, then Streamlit's own
protocol on its WebSocket (protobuf BackMsg/ForwardMsg on /_stcore/stream), through log in (the password form's
route) → overview → heatmap → commune page. A page's time runs from the click (the login form's post, or the
sidebar link's `rerun_script`) until the server has sent everything the page draws and the run's
`script_finished`; each run must draw the page's heading and no exception. The browser's own drawing (Vega, the
data grid) happens on the user's machine and is not part of it; Streamlit's immutable /static/ files are taken
as cached (hashed names). Up to --concurrency sessions run their steps at once, with --think seconds between a
session's clicks, arriving evenly over --ramp seconds; every session stays open (its WebSocket and Streamlit
session alive) until all are done. One session runs first to warm the server (imports, caches) and is not
counted: the figures are a running server's.

Server memory: the Streamlit process's resident set (VmRSS from /proc, sampled every 50 ms) and the kernel's
peak (VmHWM). Server CPU: user + system seconds the Streamlit process used during the measured wave.

Databases (Hà Nội demo for "province", national demo for "national"): SQLite files in --workdir, PostgreSQL
databases readiness_bench_province / readiness_bench_national on --postgres; built on first use (the national demo
takes 2–5 minutes) and reused afterwards; --drop removes the PostgreSQL one at the end.
Goals (issue 12): province, 30 sessions: p95 ≤ 2 s per page; national, 10 sessions: server under 1.5 GB resident.
"""

import argparse
import asyncio
import html
import os
import re
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

from web import CSRF_COOKIE, CSRF_FIELD, LOGIN_PATH  # noqa: E402

PASSWORD = "bench-officer-nq57"


def account(number: int) -> str:
    """Session `number`'s officer (0: the warm-up): one account per person, as in a province's office."""
    return f"bench-officer-{number:03d}"


PAGES = ("login", "overview", "heatmap", "commune")
TIMEOUT_S = 600


def prepare(scale: str, database: str, workdir: Path, postgres: str, sessions: int) -> str:
    """The benchmark database's URL, built with the demo data and the benchmark accounts on first use."""
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

    from readiness import bootstrap, demo
    from readiness.access import auth
    from readiness.access.permissions import OPERATOR
    from readiness.core import db
    from readiness.core.models import Role
    from readiness.reading import queries

    db.reset_caches()
    bootstrap.init()
    with db.session() as session:
        empty = queries.data_version(session)[0] == 0
    if empty:
        print(f"loading the {scale} demo into {url} …", flush=True)
        with db.write_session() as session:
            demo.load(session, OPERATOR)
    with db.write_session() as session:
        existing = set(auth.list_accounts(session, OPERATOR)["name"])
        for name in {account(number) for number in range(sessions + 1)} - existing:
            auth.create_account(session, OPERATOR, name, Role.OFFICER, PASSWORD)
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
        while not self.stopped.wait(0.05) and Path(f"/proc/{self.pid}").exists():
            self.peak = max(self.peak, self.status("VmRSS"))

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


class Tab:
    """One browser tab as Streamlit's front end drives it, without drawing: a WebSocket to /_stcore/stream that
    sends `rerun_script` BackMsgs (the tab's first run, then a click on a sidebar link) and reads ForwardMsgs
    until the run's `script_finished`. The cookies are the browser's (CSRF, then the login session)."""

    def __init__(self, address: str, cookies: dict[str, str]) -> None:
        self.address, self.cookies = address, cookies
        self.pages: dict[str, str] = {}
        self.socket = None

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self.socket = await connect(
            self.address.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie},
            max_size=None,
            open_timeout=TIMEOUT_S,
        )

    async def run(self, page: str = "", expect: str = "") -> None:
        """One script run: the first run of the tab (`page` ""), or a click on the sidebar link to the page whose
        address is `page`. Raises unless the run finishes, with `expect` among what it drew and no exception."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        request = BackMsg()
        request.rerun_script.query_string = ""
        request.rerun_script.page_script_hash = self.pages.get(page, "")
        request.rerun_script.context_info.timezone = "Asia/Ho_Chi_Minh"
        request.rerun_script.context_info.locale = "vi-VN"
        request.rerun_script.context_info.url = f"{self.address}/{page}"
        await self.socket.send(request.SerializeToString())
        seen, drawn = b"", []
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), TIMEOUT_S)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            elif kind == "delta":
                element = message.delta.new_element
                if element.WhichOneof("type") == "exception":
                    raise RuntimeError(f"{page or 'first run'}: {element.exception.message}")
                drawn.append(raw)
            elif kind == "page_not_found":
                raise RuntimeError(f"page not found: {page}")
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                seen = b"".join(drawn)
                break
        if expect.encode() not in seen:
            raise RuntimeError(f"{page or 'first run'}: {expect!r} was not drawn")

    async def close(self) -> None:
        await self.socket.close()


async def visit(address: str, name: str, times: dict[str, list[float]] | None, think: float) -> Tab:
    """One session: open the app (login page), log in through the form's route, then the overview (the browser
    reloads after the login's redirect: a new tab run with the session cookie), heatmap and commune page. Records
    each page's time; returns the open tab."""
    import httpx2

    def record(name: str, start: float) -> None:
        if times is not None:
            times[name].append(time.perf_counter() - start)

    async with httpx2.AsyncClient(base_url=address, timeout=TIMEOUT_S) as http:
        start = time.perf_counter()
        (await http.get("/")).raise_for_status()
        tab = Tab(address, dict(http.cookies))
        await tab.connect()
        await tab.run(expect="Tên đăng nhập")
        record("login", start)
        await asyncio.sleep(think)

        start = time.perf_counter()
        form = {CSRF_FIELD: http.cookies[CSRF_COOKIE], "ui_lang": "vi", "account_name": name, "password": PASSWORD}
        answer = await http.post(LOGIN_PATH, data=form)
        if answer.status_code != 303:
            refusal = re.search(r'role="alert">([^<]*)', answer.text)
            raise RuntimeError(f"log-in refused ({answer.status_code}): {refusal and html.unescape(refusal[1])}")
        await tab.close()
        (await http.get("/")).raise_for_status()
        tab = Tab(address, dict(http.cookies))
        await tab.connect()
        await tab.run(expect="Mức độ sẵn sàng của xã, phường")
        record("overview", start)

    for name, expect in (("heatmap", "Bản đồ nhiệt mức độ sẵn sàng"), ("commune", "Trang xã, phường")):
        await asyncio.sleep(think)
        start = time.perf_counter()
        await tab.run(name, expect)
        record(name, start)
    return tab


async def wave(
    address: str, sessions: int, concurrency: int, think: float, ramp: float, all_open: Callable[[], None]
) -> dict[str, list[float]]:
    """Runs the sessions, session i starting i × ramp / sessions seconds after the first; `all_open` is called
    once every session has finished its pages, all still open."""
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    warm = await visit(address, account(0), None, 0)
    await warm.close()
    limit = asyncio.Semaphore(concurrency)

    async def one(number: int) -> Tab:
        await asyncio.sleep((number - 1) * ramp / sessions)
        async with limit:
            return await visit(address, account(number), times, think)

    tabs = await asyncio.gather(*(one(number) for number in range(1, sessions + 1)))
    all_open()
    for tab in tabs:
        await tab.close()
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
    parser.add_argument("--think", type=float, default=0, help="seconds a user spends on a page before the next click")
    parser.add_argument("--ramp", type=float, default=0, help="seconds over which the sessions arrive (0: all at once)")
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

    url = prepare(args.scale, args.database, args.workdir, args.postgres, args.sessions)
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
                address, args.sessions, concurrency, args.think, args.ramp, lambda: held.append(memory.status("VmRSS"))
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
        f", {args.think:g} s between clicks, arriving over {args.ramp:g} s), "
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
