"""The app's own HTTP routes and middleware beside Streamlit's (app.py hands them to st.App): password log-in and
log-out, which set and clear the HttpOnly session cookie that a Streamlit script cannot set, and a filter on the
websocket. Rules live in readiness.access.sessions; this is the HTTP glue.

Field names avoid the properties of a form element (name, lang, action…): the sanitiser of st.html drops such
attributes. Forms carry a CSRF token checked against a cookie of the same value (double submit): another site can make a
browser post here, but cannot read or set that cookie, so its post is refused and changes nothing.
"""

import html
import logging
import secrets
from pathlib import Path

import streamlit
from google.protobuf.message import DecodeError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.proto.BackMsg_pb2 import BackMsg

import api
from readiness.access import auth, sessions, throttle
from readiness.core.i18n import LANGUAGES, tr
from readiness.core.settings import get_settings

log = logging.getLogger(__name__)

LOGIN_PATH = "/account/login"
LOGOUT_PATH = "/account/logout"
CSRF_COOKIE = "readiness_csrf"
CSRF_FIELD = "csrf"


def _https(scope: Scope) -> bool:
    # Behind a proxy that ends TLS (deploy/ nginx), the proxy says so in X-Forwarded-Proto.
    forwarded = dict(scope.get("headers") or []).get(b"x-forwarded-proto", b"").decode().split(",")[0].strip()
    return scope.get("scheme") == "https" or forwarded == "https"


class CsrfCookie:
    """Give every browser a CSRF token cookie on its first request (the page Streamlit serves included), so that
    the forms the app draws can carry the same value."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The API reads no cookie and sets none (bearer tokens only).
        if scope["type"] != "http" or scope["path"].startswith(api.PREFIX) or CSRF_COOKIE in Request(scope).cookies:
            await self.app(scope, receive, send)
            return
        token = secrets.token_urlsafe(32)
        # A page answered in this same response (the log-in route's own) puts the new value in its form.
        scope.setdefault("state", {})[CSRF_COOKIE] = token
        secure = "; Secure" if _https(scope) else ""

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _clears_caches(data: bytes | None) -> bool:
    if not data:
        return False
    message = BackMsg()
    try:
        message.ParseFromString(data)
    except DecodeError:
        return False
    return message.WhichOneof("type") == "clear_cache"


class NoCacheClearing:
    """Drop the "clear cache" message of Streamlit's websocket protocol. Any connected browser, logged in or not,
    may send it (viewer mode only hides the menu item), and it empties every cache for every user. Nothing here
    needs it: cached figures are keyed by the data version (ui.query), so a change of data is seen at once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return

        async def receive_without_clearing() -> Message:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive" or not _clears_caches(message.get("bytes")):
                    return message
                log.warning("dropped a request to clear the caches from %s", scope.get("client"))

        await self.app(scope, receive_without_clearing, send)


def _csrf_ok(request: Request, sent: str) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    return bool(expected) and secrets.compare_digest(expected.encode(), sent.encode())


_STYLE = """
<style>
.rd-form {display:flex; flex-direction:column; gap:.75rem; max-width:440px; font-family:"Source Sans", sans-serif}
.rd-form label {display:flex; flex-direction:column; gap:.25rem; font-size:.875rem; color:#1f2a24}
.rd-form input[type=text], .rd-form input[type=password] {font:inherit; font-size:1rem; padding:.5rem .75rem;
  border:1px solid #d5ddd8; border-radius:.5rem; background:#f1f5f3; color:#1f2a24}
.rd-form button {font:inherit; font-size:1rem; padding:.5rem 1rem; border-radius:.5rem; cursor:pointer;
  border:1px solid #1a7f5a; background:#1a7f5a; color:#fff; align-self:flex-start}
.rd-form button.rd-secondary {background:#fff; color:#1f2a24; border-color:#d5ddd8}
.rd-error {padding:.75rem 1rem; border-radius:.5rem; background:#fde8e8; color:#7d1a1a; max-width:440px}
</style>
"""


def login_form(csrf: str, lang: str, name: str = "", error: str | None = None) -> str:
    """The password log-in form (HTML), posting to the log-in route; drawn by the login page and by the route's
    own page when a log-in is refused."""
    problem = f'<div class="rd-error" role="alert">{html.escape(error)}</div>' if error else ""
    return f"""{_STYLE}{problem}
<form class="rd-form" method="post" action="{LOGIN_PATH}">
  <input type="hidden" name="{CSRF_FIELD}" value="{html.escape(csrf)}">
  <input type="hidden" name="ui_lang" value="{html.escape(lang)}">
  <label>{tr(lang, "Tên đăng nhập", "Account name")}
    <input type="text" name="account_name" value="{html.escape(name)}" autocomplete="username" required></label>
  <label>{tr(lang, "Mật khẩu", "Password")}
    <input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit">{tr(lang, "Đăng nhập", "Log in")}</button>
</form>"""


def logout_form(csrf: str, lang: str) -> str:
    """A log-out button (HTML form) posting to the log-out route."""
    return f"""{_STYLE}
<form class="rd-form" method="post" action="{LOGOUT_PATH}">
  <input type="hidden" name="{CSRF_FIELD}" value="{html.escape(csrf)}">
  <input type="hidden" name="ui_lang" value="{html.escape(lang)}">
  <button type="submit" class="rd-secondary">{tr(lang, "Đăng xuất", "Log out")}</button>
</form>"""


def _streamlit_font() -> str:
    """The address of the variable Source Sans face Streamlit draws its pages with (its file name carries a hash
    that changes with each Streamlit release); empty when not found, and the page falls back to sans-serif."""
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    found = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    return f"/static/media/{found[0].name}" if found else ""


# The look of the app's own login page (Streamlit's theme in .streamlit/config.toml: its face, its sidebar, its
# title and alert sizes), for the pages these routes answer with themselves: a refused log-in, an expired form.
_PAGE_STYLE = """<style>
@font-face {{font-family:"Source Sans"; src:url("{font}") format("woff2"); font-weight:200 900; font-display:swap}}
html, body {{margin:0; height:100%}}
body {{font-family:"Source Sans", sans-serif; color:#1f2a24; background:#fff; font-size:1rem; line-height:1.6}}
.rd-shell {{display:flex; min-height:100%}}
.rd-side {{box-sizing:border-box; width:300px; flex:none; background:#f1f5f3; padding:4.5rem 1.5rem 1.5rem}}
.rd-side p {{margin:0 0 .25rem; font-size:.875rem}}
.rd-side nav {{display:flex; gap:1rem; font-size:.875rem}}
.rd-side a {{color:#1f2a24; text-decoration:none}}
.rd-side a[aria-current] {{color:#1a7f5a; font-weight:600}}
.rd-main {{box-sizing:border-box; flex:1; min-width:0; padding:6rem 5rem 2rem; max-width:calc(736px + 10rem)}}
.rd-main h1 {{font-size:2.75rem; font-weight:700; line-height:1.2; margin:0 0 1rem; padding:1.25rem 0 1rem}}
.rd-main .rd-error {{max-width:440px; box-sizing:border-box; margin-bottom:1rem}}
.rd-back {{display:inline-block; margin-top:1rem; font-size:.875rem; color:#1a7f5a}}
@media (max-width: 640px) {{
  .rd-shell {{flex-direction:column}}
  .rd-side {{width:auto; padding:1rem}}
  .rd-main {{padding:1.5rem 1rem}}
  .rd-main h1 {{font-size:2rem; padding-top:0}}
}}
</style>"""


def _page(request: Request, lang: str, error: str, name: str = "", status: int = 200) -> HTMLResponse:
    """A page of these routes' own, looking like the app's login page: the language switch where the app has its
    sidebar, the title, the refusal in an alert and the login form again."""
    title = tr(lang, "Đăng nhập", "Log in")
    csrf = request.cookies.get(CSRF_COOKIE) or request.scope.get("state", {}).get(CSRF_COOKIE, "")
    body = login_form(csrf, lang, name, error)
    back = tr(lang, "Về trang chính", "Back to the app")
    current = ' aria-current="true"'
    switch = " ".join(
        f'<a href="{LOGIN_PATH}?lang={code}"{current if code == lang else ""}>{label}</a>'
        for code, label in LANGUAGES.items()
    )
    return HTMLResponse(
        f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} · Readiness</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{_PAGE_STYLE.format(font=_streamlit_font())}
</head><body><div class="rd-shell">
<aside class="rd-side"><p>Ngôn ngữ / Language</p><nav>{switch}</nav></aside>
<main class="rd-main"><h1>{title}</h1>{body}<a class="rd-back" href="/">{back}</a></main>
</div></body></html>""",
        status_code=status,
    )


def _lang(value: object) -> str:
    return value if value in LANGUAGES else "vi"


def _expired_form(request: Request, lang: str) -> HTMLResponse:
    return _page(
        request,
        lang,
        tr(
            lang,
            "Biểu mẫu đã hết hạn hoặc không gửi từ ứng dụng này. Hãy tải lại trang và thử lại.",
            "The form has expired or was not sent from this app. Reload the page and try again.",
        ),
        status=403,
    )


async def login_page(request: Request) -> Response:
    return _page(request, _lang(request.query_params.get("lang")), "")


async def log_in(request: Request) -> Response:
    form = await request.form()
    lang = _lang(form.get("ui_lang"))
    if not _csrf_ok(request, str(form.get(CSRF_FIELD, ""))):
        return _expired_form(request, lang)
    name = str(form.get("account_name", ""))
    client = throttle.client_address(request.client.host if request.client else None, request.headers)
    try:
        _, token = await run_in_threadpool(
            auth.log_in, name, str(form.get("password", "")), request.headers.get("user-agent", ""), client=client
        )
    except auth.AccountError as exc:
        return _page(request, lang, exc.message(lang), name, status=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=int(get_settings().session_max_days * 86400),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_https(request.scope),
    )
    return response


async def log_out(request: Request) -> Response:
    form = await request.form()
    if not _csrf_ok(request, str(form.get(CSRF_FIELD, ""))):
        return _expired_form(request, _lang(form.get("ui_lang")))
    await run_in_threadpool(sessions.log_out, request.cookies.get(sessions.COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax", secure=_https(request.scope))
    return response


ROUTES = [
    Route(LOGIN_PATH, login_page, methods=["GET"]),
    Route(LOGIN_PATH, log_in, methods=["POST"]),
    Route(LOGOUT_PATH, log_out, methods=["POST"]),
    Mount(api.PREFIX, app=api.build()),
]
MIDDLEWARE = [Middleware(CsrfCookie), Middleware(NoCacheClearing)]
