"""A database the command line cannot use: one line naming it (password hidden) and what to check, exit status 2,
no traceback and no SQL; the detail with --debug and in READINESS_LOG_FILE."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

from readiness.cli import main
from readiness.core import db


@pytest.fixture(autouse=True)
def _forget_engines():
    yield
    db.reset_caches()


def _damaged(tmp_path: Path) -> str:
    path = tmp_path / "readiness.db"
    path.write_bytes(b"not an SQLite file, a damaged copy " * 500)
    return f"sqlite:///{path}"


def _read_only(tmp_path: Path) -> str:
    """An SQLite file this process may not write. As root, file modes do not stop a write: then the file is opened
    read-only through an SQLite URI, which refuses writes the same way."""
    path = tmp_path / "readiness.db"
    path.touch()
    if os.geteuid() != 0:
        path.chmod(0o444)
        tmp_path.chmod(0o555)  # no journal or write-ahead log beside it either
        return f"sqlite:///{path}"
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def _server_down(tmp_path: Path) -> str:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://readiness:s3cret-pw@127.0.0.1:{port}/readiness?connect_timeout=5"


CASES = {
    "damaged": (_damaged, "the file is damaged or is not a Readiness database"),
    "read-only": (_read_only, "cannot be written by this user: check the owner and permissions"),
    "server down": (_server_down, "the server does not answer: check that PostgreSQL is running"),
}


@pytest.fixture(params=list(CASES))
def broken(request, tmp_path, monkeypatch) -> tuple[str, str]:
    """READINESS_DATABASE_URL set to a database that cannot be used; (url, the advice expected)."""
    make, advice = CASES[request.param]
    url = make(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", url)
    monkeypatch.delenv("READINESS_LOG_FILE", raising=False)
    db.reset_caches()
    yield url, advice
    tmp_path.chmod(0o755)


def _no_detail(text: str) -> None:
    for detail in ("Traceback", "sqlalchemy", "SELECT", "PRAGMA", "INSERT", "s3cret-pw", "sqlalche.me"):
        assert detail not in text


@pytest.mark.parametrize("command", [["summary"], ["init"], ["user", "list"]])
def test_one_line_names_the_database_and_what_to_check(broken, command, capsys):
    url, advice = broken
    assert main(command) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: cannot use the database ")
    assert advice in lines[0]
    assert "details: run again with readiness --debug, reference " in lines[0]
    _no_detail(err)
    if "s3cret-pw" in url:
        assert "postgresql+psycopg://readiness:***@127.0.0.1:" in lines[0]
    else:
        assert "readiness.db" in lines[0]


def test_debug_prints_the_detail(broken, capsys):
    assert main(["--debug", "summary"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "sqlalchemy.exc." in err
    assert err.splitlines()[-1].startswith("error: cannot use the database ")


def test_the_log_file_keeps_the_detail_under_the_reference(broken, tmp_path_factory, monkeypatch, capsys):
    log_file = tmp_path_factory.mktemp("log") / "cli.log"
    monkeypatch.setenv("READINESS_LOG_FILE", str(log_file))
    db.reset_caches()
    assert main(["summary"]) == 2
    line = capsys.readouterr().err.strip()
    assert f"details in {log_file}" in line
    reference = line.rsplit("reference ", 1)[1].rstrip(")")
    logged = log_file.read_text()
    assert f"database failure, reference {reference}" in logged
    assert "Traceback" in logged


def test_the_installed_command_exits_2_without_a_traceback(tmp_path):
    url = _damaged(tmp_path)
    env = {**os.environ, "READINESS_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_DIR)}
    env.pop("READINESS_LOG_FILE", None)
    done = subprocess.run(
        [sys.executable, "-m", "readiness.cli", "summary"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    _no_detail(done.stderr)
