"""Streamlit glue shared by the pages: language, as-of date, cached queries. No business rules here."""

import importlib.util
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from readiness import auth, db, queries
from readiness.auth import Actor
from readiness.i18n import LANGUAGES, today, tr
from readiness.models import Role
from readiness.settings import get_settings


def actor() -> Actor | None:
    """The logged-in account (re-read from the database at the start of every run), or None before login.
    Pass it to every readiness/ write: the write checks the actor's rights itself."""
    return st.session_state.get("actor")


def lang() -> str:
    return st.session_state.get("lang", "vi")


def t(vi: str, en: str) -> str:
    return tr(lang(), vi, en)


def sidebar() -> None:
    """Language switch and the as-of date that moves every page back in time."""
    with st.sidebar:
        st.radio("Ngôn ngữ / Language", list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
        st.date_input(
            t("Số liệu tính đến ngày", "Figures as of"),
            value=today(),
            min_value=get_settings().start_date,
            format="DD/MM/YYYY",
            key="as_of",
        )


def as_of() -> date:
    return st.session_state.get("as_of") or today()


def province() -> str:
    return get_settings().province


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(name: str, version: tuple, args: tuple) -> Any:
    with db.session() as session:
        return getattr(queries, name)(session, *args)


def query(function: Callable, *args: Any) -> Any:
    """Run a function of readiness.queries, cached until the data changes (checked once per call).
    Figures are for logged-in users only."""
    logged_in()
    with db.session() as session:
        version = queries.data_version(session)
    return _cached(function.__name__, version, args)


# Login state ------------------------------------------------------------------------------------------------------

_ROLE_LABELS = {
    Role.ADMIN: ("Quản trị viên", "Administrator"),
    Role.OFFICER: ("Cán bộ Sở KH&CN", "DOST officer"),
    Role.COMMUNE: ("Cán bộ xã, phường", "Commune staff"),
    Role.LEADER: ("Lãnh đạo", "Leader"),
}


def logged_in() -> Actor:
    """The logged-in account; anyone else sees a request to log in and the page stops.

    app.py shows pages to logged-in users only, but Streamlit runs a script of pages/ directly when its URL is
    asked for before app.py has run once in the server process (it still treats a pages/ folder the old way
    until st.navigation is first called). No one is logged in at that moment, so this check closes the gap."""
    current = actor()
    if current is None:
        st.warning(t("Hãy đăng nhập để xem trang này.", "Please log in to see this page."), icon=":material/lock:")
        st.page_link("app.py", label=t("Đăng nhập", "Log in"), icon=":material/login:")
        st.stop()
    return current


def role_label(role: str) -> str:
    return t(*_ROLE_LABELS[Role(role)])


def sso_configured() -> bool:
    """Single sign-on is offered when .streamlit/secrets.toml has an [auth] section."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def sso_installed() -> bool:
    # st.login needs Authlib, an optional extra: pip install ".[auth]".
    return importlib.util.find_spec("authlib") is not None


def refresh_login() -> Actor | None:
    """Who is logged in, re-read from the database once per run, so that an account disabled (or given another
    role) by an admin takes effect at its next click. A single-sign-on identity maps to the enabled account with
    its e-mail; the identity alone grants nothing."""
    current = actor()
    try:
        if current is not None:
            with db.session() as session:
                fresh = auth.actor_for(session, current.name)
        elif sso_configured() and st.user.get("is_logged_in", False):
            fresh = auth.sso_login(st.user.get("email"))
        else:
            return None
    except auth.AccountError as exc:
        st.session_state.pop("actor", None)
        st.session_state["login_refusal"] = exc
        return None
    st.session_state["actor"] = fresh
    return fresh


def log_in(account: Actor) -> None:
    st.session_state["actor"] = account
    st.session_state.pop("login_refusal", None)
    st.rerun()


def log_out() -> None:
    st.session_state.pop("actor", None)
    if st.user.get("is_logged_in", False):
        st.logout()
    st.rerun()


def account_box(account: Actor) -> None:
    with st.sidebar:
        st.divider()
        communes = query(queries.communes, province()).set_index("code")["name"]
        commune = f" · {communes.get(account.commune_code, account.commune_code)}" if account.commune_code else ""
        st.caption(f":material/person: **{account.name}** · {role_label(account.role)}{commune}")
        if st.button(t("Đăng xuất", "Log out"), icon=":material/logout:", key="sidebar_logout"):
            log_out()


def act(write: Callable, *args: Any, done: str) -> None:
    """Run one write of readiness/ as the logged-in account, in one transaction. A refusal is shown and changes
    nothing; on success the page reruns (so that what it shows is fresh) and its show_done() says `done`."""
    try:
        with db.write_session() as session:
            write(session, actor(), *args)
    except auth.Refusal as exc:
        st.error(exc.message(lang()))
        return
    st.session_state["done"] = done
    st.rerun()


def show_done() -> None:
    """The confirmation of the write that triggered this run, if any."""
    if done := st.session_state.pop("done", None):
        st.success(done, icon=":material/check_circle:")
