"""The log-in and log-out routes (web.py) over HTTP, on both databases: cookies, CSRF refusal, lockout."""

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import web
from readiness.access import auth, sessions
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.models import Account, Role

PASSWORD = "correct-horse-57"


@pytest.fixture
def client(initialized: str) -> TestClient:
    with db.write_session() as session:
        auth.create_account(session, OPERATOR, "lan", Role.OFFICER, PASSWORD)
    app = Starlette(routes=web.ROUTES, middleware=web.MIDDLEWARE)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def csrf(client: TestClient) -> str:
    client.get(web.LOGIN_PATH)
    return client.cookies[web.CSRF_COOKIE]


def log_in(client: TestClient, password: str = PASSWORD, token: str | None = None, **headers: str):
    form = {"account_name": "lan", "password": password, web.CSRF_FIELD: csrf(client) if token is None else token}
    return client.post(web.LOGIN_PATH, data=form, headers=headers)


def failed_logins() -> int:
    with db.session() as session:
        return session.get(Account, 1).failed_logins


def test_the_first_response_gives_an_httponly_csrf_cookie(client):
    response = client.get(web.LOGIN_PATH)
    assert response.status_code == 200 and 'action="/account/login"' in response.text
    (cookie,) = response.headers.get_list("set-cookie")
    assert cookie.startswith(f"{web.CSRF_COOKIE}=")
    # The login page of that very first response already carries the new value.
    assert f'name="{web.CSRF_FIELD}" value="{client.cookies[web.CSRF_COOKIE]}"' in response.text
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert client.get(web.LOGIN_PATH).headers.get_list("set-cookie") == []  # given once


def test_logging_in_sets_an_httponly_lax_session_cookie_that_logs_the_account_in(client):
    response = log_in(client, **{"user-agent": "Mozilla/5.0 (test)"})
    assert response.status_code == 303 and response.headers["location"] == "/"
    (cookie,) = response.headers.get_list("set-cookie")
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    assert sessions.actor_for(client.cookies[sessions.COOKIE]) == Actor("lan", Role.OFFICER)


def test_the_cookie_is_secure_behind_an_https_proxy(client):
    response = log_in(client, **{"x-forwarded-proto": "https"})
    assert "; secure" in response.headers["set-cookie"].lower()


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_a_login_without_the_csrf_token_is_refused_and_changes_nothing(client, token):
    response = log_in(client, token=token)
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.text
    assert sessions.COOKIE not in client.cookies
    assert failed_logins() == 0  # not even counted as an attempt
    assert sessions.active("lan") == 0


def test_a_wrong_password_shows_the_refusal_and_counts_towards_the_lockout(client):
    response = log_in(client, "wrong-password")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.text
    assert 'value="lan"' in response.text  # the name stays filled in
    assert sessions.COOKIE not in client.cookies
    assert failed_logins() == 1
    for _ in range(4):
        response = log_in(client, "wrong-password")
    assert failed_logins() == 5
    # Locked now, against this client: the same words as any refusal, the right password refused too.
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.text
    assert "Sai tên đăng nhập hoặc mật khẩu." in log_in(client).text
    assert sessions.COOKIE not in client.cookies


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(client, monkeypatch):
    """Wrong passwords forwarded for one address lock the account against it only: the owner, forwarded for
    another address by the same proxy, gets in. The header of a peer that is not a trusted proxy is not believed."""
    monkeypatch.setenv("READINESS_TRUSTED_PROXY_HEADER", "X-Forwarded-For")
    monkeypatch.setenv("READINESS_TRUSTED_PROXIES", "10.0.0.2")
    db.reset_caches()
    app = Starlette(routes=web.ROUTES, middleware=web.MIDDLEWARE)
    with TestClient(app, follow_redirects=False, client=("10.0.0.2", 50000)) as proxy:
        for _ in range(5):
            assert log_in(proxy, "wrong-password", **{"x-forwarded-for": "203.0.113.9"}).status_code == 401
        assert log_in(proxy, **{"x-forwarded-for": "203.0.113.9"}).status_code == 401
        with TestClient(app, follow_redirects=False, client=("203.0.113.9", 50000)) as direct:
            assert log_in(direct, **{"x-forwarded-for": "198.51.100.20"}).status_code == 401
        # Only the last address is the proxy's own finding; the first was sent by the client.
        assert log_in(proxy, **{"x-forwarded-for": "203.0.113.9, 198.51.100.20"}).status_code == 303


def test_logout_needs_the_csrf_token_then_clears_the_cookie_and_ends_the_session(client):
    log_in(client)
    token = client.cookies[sessions.COOKIE]
    refused = client.post(web.LOGOUT_PATH, data={web.CSRF_FIELD: "forged"})
    assert refused.status_code == 403
    assert sessions.actor_for(token) == Actor("lan", Role.OFFICER)

    response = client.post(web.LOGOUT_PATH, data={web.CSRF_FIELD: client.cookies[web.CSRF_COOKIE]})
    assert response.status_code == 303
    cleared = response.headers["set-cookie"]
    assert cleared.startswith(f"{sessions.COOKIE}=") and "Max-Age=0" in cleared
    # A copy of the cookie taken before the logout logs no one in.
    assert sessions.actor_for(token) is None


@pytest.mark.parametrize(
    ("lang", "title", "said"),
    [("vi", "Đăng nhập", "Sai tên đăng nhập hoặc mật khẩu."), ("en", "Log in", "Wrong account name or password.")],
)
def test_a_refused_login_is_a_page_in_the_apps_look_that_says_the_same_whatever_the_name(client, lang, title, said):
    """Not a bare HTML page: the app's face (Streamlit's own Source Sans file), its sidebar with the language
    switch, its title and an alert; the same page for a wrong password and a name that does not exist."""
    token = csrf(client)
    pages = []
    for name in ("lan", "nobody-here"):
        form = {"account_name": name, "password": "wrong-password", web.CSRF_FIELD: token, "ui_lang": lang}
        response = client.post(web.LOGIN_PATH, data=form)
        assert response.status_code == 401
        pages.append(response.text.replace(f'value="{name}"', 'value="…"'))
    page = pages[0]
    assert pages[0] == pages[1]
    assert f'<html lang="{lang}">' in page and f"<h1>{title}</h1>" in page
    assert f'<div class="rd-error" role="alert">{said}</div>' in page
    font = web._streamlit_font()
    assert font.startswith("/static/media/SourceSansVF-Upright") and f'src:url("{font}")' in page
    assert 'class="rd-side"' in page and f'href="{web.LOGIN_PATH}?lang=en"' in page
    assert f'href="{web.LOGIN_PATH}?lang={lang}" aria-current="true"' in page
