"""What users send never turns into page markup, an error never shows its traceback, and no visitor can clear
the server's caches."""

import asyncio
import importlib
import re
import string
import tomllib

from conftest import PROJECT_DIR
from sqlalchemy.exc import OperationalError
from streamlit.proto.BackMsg_pb2 import BackMsg

import ui
import web
from readiness.core.models import Role
from readiness.reading import queries


def test_plain_escapes_every_markdown_sign_and_keeps_the_text():
    text = "![x](http://evil/x.png) <b>a_b</b> **c** :red[d] $e$ `f` # g | h ~ i \\ Hoàn Kiếm"
    shown = ui.plain(text)
    assert re.sub(r"\\(.)", r"\1", shown) == text  # Markdown reads a backslash-escaped sign as the sign itself
    unescaped = re.sub(r"\\.", "", shown)
    assert not set(unescaped) & set(string.punctuation)
    assert ui.plain("Phường Hoàn Kiếm 00070") == "Phường Hoàn Kiếm 00070"


def test_an_unexpected_error_shows_a_short_bilingual_message_and_logs_the_sql(app_as, monkeypatch, caplog):
    at = app_as(Role.OFFICER)

    def broken(session):
        raise OperationalError("SELECT password_hash FROM account", {}, Exception("server closed the connection"))

    monkeypatch.setattr(queries, "data_version", broken)
    at.run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("Đã xảy ra lỗi ngoài dự kiến; không có gì bị mất.")
    assert "SELECT" not in message and "Traceback" not in message
    reference = message.rsplit(" ", 1)[-1].rstrip(".")
    assert f"unexpected error, reference {reference}" in caplog.text
    assert "SELECT password_hash FROM account" in caplog.text


def test_streamlit_itself_shows_no_error_details():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def back_message(**fields: object) -> bytes:
    message = BackMsg()
    for name, value in fields.items():
        setattr(message, name, value)
    return message.SerializeToString()


def test_no_websocket_can_clear_the_caches():
    sent = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "bytes": back_message(clear_cache=True)},
        {"type": "websocket.receive", "bytes": back_message(app_heartbeat=True)},
        {"type": "websocket.receive", "bytes": b"\xff not a protobuf"},
        {"type": "websocket.receive", "text": "hello"},
        {"type": "websocket.disconnect"},
    ]
    received = []

    async def streamlit(scope, receive, send):
        while (message := await receive())["type"] != "websocket.disconnect":
            received.append(message)

    async def client():
        return sent.pop(0)

    asyncio.run(web.NoCacheClearing(streamlit)({"type": "websocket", "client": ("127.0.0.1", 5)}, client, None))
    assert [m.get("bytes") or m.get("text") for m in received] == [
        None,
        back_message(app_heartbeat=True),
        b"\xff not a protobuf",
        "hello",
    ]


def test_the_app_serves_its_routes_and_middleware():
    asgi = importlib.import_module("app").app  # what `streamlit run app.py` serves
    assert asgi._user_routes == web.ROUTES
    assert [m.cls for m in asgi._user_middleware] == [web.CsrfCookie, web.NoCacheClearing]
