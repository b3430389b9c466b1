"""The scale-out recipe of deploy/, run for real: nginx (the site rendered from deploy/nginx-site.conf.in) in front
of two Streamlit replicas sharing one PostgreSQL database, driven in headless Chromium.

Needs Debian's nginx and chromium and a PostgreSQL server (READINESS_TEST_POSTGRES_URL); skipped with the reason
otherwise. Servers run as children of the test on loopback and are always stopped at the end.
"""

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import POSTGRES_URL, TEST_PASSWORD, account
from excel_fill import GOOD, GOOD_GREEN, fill_checklist, template
from sqlalchemy import create_engine, make_url, text
from test_browser import CHROMIUM, chromium, new_tab

from readiness import bootstrap
from readiness.core import db
from readiness.core.i18n import format_date, today
from readiness.core.models import Role

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts"
# The first commune of Hà Nội by code: the commune page opens on it.
COMMUNE, COMMUNE_NAME = "00004", "Phường Ba Đình"
# Loopback ports tried first (this project's development machine gives the deployment checks this range).
PORT_RANGE = range(8620, 8630)
START_TIMEOUT_S = 90

pytestmark = pytest.mark.browser


def _deploy_module(name: str):
    spec = importlib.util.spec_from_file_location(name, PROJECT / "deploy" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


healthcheck = _deploy_module("healthcheck")
nginx_site = _deploy_module("nginx_site")


def _nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def _free_ports(count: int) -> list[int]:
    free = []
    for port in [*PORT_RANGE, *[0] * count]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            free.append(probe.getsockname()[1])
        if len(free) == count:
            return free
    raise RuntimeError("no free loopback port")


@pytest.fixture
def postgres_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new PostgreSQL database of its own (initialised, Hà Nội), dropped afterwards; its URL."""
    if not POSTGRES_URL:
        pytest.skip("READINESS_TEST_POSTGRES_URL is not set: the replicas need a PostgreSQL server")
    name = f"readiness_deploy_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("READINESS_DATABASE_URL", url)
        monkeypatch.setenv("READINESS_PROVINCE", "01")
        db.reset_caches()
        # Once, before the replicas start (as the recipe says): they would otherwise race to migrate.
        bootstrap.init()
        yield url
    finally:
        db.reset_caches()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


class Servers:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], **options) -> None:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)
        log.close()
        self.processes.append((name, process))

    def pause(self) -> None:
        """Between health polls: wait a little on the first child, and fail at once if any has exited."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.processes[0][1].wait(timeout=0.25)
        for name, process in self.processes:
            if process.poll() is not None:
                log = (self.folder / f"{name}.log").read_text()
                pytest.fail(f"{name} exited with {process.returncode}: {log[-3000:]}")

    def wait_healthy(self, urls: list[str]) -> None:
        failing = healthcheck.wait(urls, START_TIMEOUT_S, pause=self.pause)
        assert not failing, f"not healthy within {START_TIMEOUT_S} s: {failing}; logs in {self.folder}"

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            process.terminate()
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def deployment(postgres_database: str, tmp_path: Path) -> Iterator[dict]:
    """Two replicas and nginx in front of them; URLs of "nginx", "a", "b" and the nginx access log."""
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx): the scale-out recipe cannot be tested")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the deployment test")
    front, *replicas = _free_ports(3)
    servers = Servers(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}  # READINESS_DATABASE_URL is the new database
    try:
        for name, port in zip("ab", replicas, strict=True):
            command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
            command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
            command += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
            servers.start(f"replica-{name}", command, cwd=PROJECT, env=env)

        site = nginx_site.render([f"127.0.0.1:{port}" for port in replicas], listen=f"127.0.0.1:{front}")
        (tmp_path / "readiness.conf").write_text(site)
        temp = "".join(
            f"{kind}_temp_path {tmp_path / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # Workers keep the test's own user (as root, nginx would drop to nobody, who cannot write in tmp_path).
        user = "user root;\n" if os.geteuid() == 0 else ""
        (tmp_path / "nginx.conf").write_text(
            f"{user}worker_processes 1;\nerror_log {tmp_path / 'error.log'};\nevents {{ worker_connections 256; }}\n"
            "http {\n"
            "log_format upstream '$cookie_readiness_route $uri $upstream_addr';\n"
            f"access_log {tmp_path / 'access.log'} upstream;\n{temp}"
            f"include {tmp_path / 'readiness.conf'};\n}}\n"
        )
        command = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        servers.start("nginx", [*command, "-g", f"daemon off; pid {tmp_path / 'nginx.pid'};"])

        urls = {"nginx": f"http://127.0.0.1:{front}"}
        urls |= {name: f"http://127.0.0.1:{port}" for name, port in zip("ab", replicas, strict=True)}
        servers.wait_healthy(list(urls.values()))
        yield {**urls, "access_log": tmp_path / "access.log"}
    finally:
        servers.stop()


def _overview(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("heading", name="Mức độ sẵn sàng của xã, phường")).to_be_visible()


def _open(page, title: str) -> None:
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()


def test_the_affinity_cookie_is_given_once_and_health_is_checked_through_nginx(deployment):
    def route_cookies(request) -> list[str]:
        with urllib.request.urlopen(request) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
        return [cookie for cookie in cookies if cookie.startswith("readiness_route=")]

    (cookie,) = route_cookies(deployment["nginx"])
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert route_cookies(urllib.request.Request(deployment["nginx"], headers={"Cookie": cookie.split(";")[0]})) == []
    assert healthcheck.wait([deployment[name] for name in ("nginx", "a", "b")], 0) == []
    assert healthcheck.wait(["http://127.0.0.1:9"], 0) == ["http://127.0.0.1:9"]


def test_upload_on_one_replica_is_seen_on_the_other_and_through_nginx(deployment, tmp_path):
    from playwright.sync_api import expect

    officer = account(Role.OFFICER)
    reported = today()
    checklist = tmp_path / "phieu.xlsx"
    checklist.write_bytes(fill_checklist(template(COMMUNE), format_date(reported, "vi"), GOOD))
    with chromium() as browser:
        via_nginx = new_tab(browser)
        context = via_nginx.context
        via_nginx.goto(deployment["nginx"])
        via_nginx.get_by_label("Tên đăng nhập").fill(officer.name)
        via_nginx.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
        via_nginx.get_by_role("button", name="Đăng nhập").click()
        expect(via_nginx.get_by_role("heading", name="Mức độ sẵn sàng của xã, phường")).to_be_visible()
        # An empty database: the overview offers the upload page.
        expect(via_nginx.get_by_text("Chưa có báo cáo nào", exact=False)).to_be_visible()

        # Replica A, reached directly: already logged in (the session cookie is the host's, whatever the port, and
        # the session is in the shared database); upload, preview, confirm.
        on_a = context.new_page()
        _overview(on_a, deployment["a"])
        _open(on_a, "Nộp phiếu")
        on_a.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(checklist)
        expect(on_a.get_by_text("Xem trước", exact=False)).to_be_visible()
        on_a.get_by_role("button", name="Xác nhận nhập").click()
        expect(on_a.get_by_text(f"Đã nhập phieu.xlsx: {GOOD_GREEN} tiêu chí mới đạt", exact=False)).to_be_visible()
        on_a.screenshot(path=ARTIFACTS / "deploy-upload-replica-a.png", full_page=True)

        # Replica B, reached directly, and nginx both show the new submission on the commune's page.
        on_b = context.new_page()
        _overview(on_b, deployment["b"])
        for page in (on_b, via_nginx):
            _open(page, "Trang xã, phường")
            expect(page.get_by_role("heading", name=COMMUNE_NAME)).to_be_visible()
            values = page.get_by_test_id("stMetricValue")
            expect(values).to_have_text([f"{GOOD_GREEN}/16", str(16 - GOOD_GREEN), format_date(reported, "vi")])
        idle = via_nginx.locator("[data-testid=stApp][data-test-script-state=notRunning]")
        expect(idle).to_be_attached()
        via_nginx.screenshot(path=ARTIFACTS / "deploy-commune-nginx.png", full_page=True)

        # A reload through nginx (a new Streamlit session, perhaps on the other replica) keeps the login.
        via_nginx.reload()
        expect(via_nginx.get_by_role("heading", name=COMMUNE_NAME)).to_be_visible()
        expect(via_nginx.get_by_test_id("stSidebar").get_by_text(officer.name, exact=True)).to_be_visible()
        expect(via_nginx.get_by_role("heading", name="Đăng nhập")).to_have_count(0)

    # Everything the browser asked nginx for with its affinity cookie (static files, the WebSocket once it has
    # closed) went to one replica.
    # A line: cookie (or -), path, the replica(s) tried ("a, b" when nginx moved on from a failing one).
    lines = [line.split(" ", 2) for line in deployment["access_log"].read_text().splitlines()]
    routed = {(cookie, upstream) for cookie, _, upstream in lines if cookie != "-"}
    assert len(routed) == 1, lines
    assert sum(cookie != "-" for cookie, _, _ in lines) > 10


API_LIMIT = 6  # requests a minute per API token on the replicas of the API test


@pytest.fixture
def low_api_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the replicas start (list it before `deployment`): they read it from their environment."""
    monkeypatch.setenv("READINESS_API_RATE_LIMIT_PER_MINUTE", str(API_LIMIT))


def test_the_api_answers_through_nginx_and_both_replicas_count_one_rate_limit(low_api_limit, deployment, capsys):
    import json

    import httpx2 as httpx

    from readiness.access import tokens
    from readiness.access.permissions import OPERATOR
    from readiness.cli import main

    account(Role.OFFICER)
    with db.write_session() as session:
        token = tokens.create(session, OPERATOR, "test-officer")
    headers = {"Authorization": f"Bearer {token}"}
    through_nginx = httpx.get(f"{deployment['nginx']}/api/v1/summary", headers=headers, timeout=30)
    assert through_nginx.status_code == 200, through_nginx.text
    capsys.readouterr()
    assert main(["summary", "--json", "--as", "test-officer"]) == 0
    assert through_nginx.json() == json.loads(capsys.readouterr().out)

    # Requests alternate between the replicas; the count lives in the token's database row, so they share it.
    answers = [
        httpx.get(f"{deployment['ab'[i % 2]]}/api/v1/criteria", headers=headers, timeout=30)
        for i in range(2 * API_LIMIT + 1)
    ]
    statuses = [a.status_code for a in answers]
    first_refusal = statuses.index(429)
    # API_LIMIT passed (the summary above was the first), unless the minute turned during the burst.
    assert API_LIMIT - 1 <= first_refusal <= 2 * API_LIMIT - 1 and set(statuses[:first_refusal]) == {200}
    assert "retry-after" in answers[first_refusal].headers
