"""Streamlit glue shared by the pages: language, as-of date, cached queries, empty states. No business rules here."""

import importlib
import importlib.util
from collections.abc import Callable
from datetime import date
from typing import Any

import altair as alt
import streamlit as st

from readiness import auth, db, demo, queries
from readiness.auth import Actor, Permission, allowed
from readiness.i18n import LANGUAGES, Bilingual, format_date, format_number, format_percent, today, tr
from readiness.models import Role
from readiness.settings import NATIONAL, get_settings
from readiness.views.columns import Table

COMMUNE_PAGE = "pages/commune.py"
UPLOAD_PAGE = "pages/upload.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def actor() -> Actor | None:
    """The logged-in account (re-read from the database at the start of every run), or None before login.
    Pass it to every readiness/ write: the write checks the actor's rights itself."""
    return st.session_state.get("actor")


def lang() -> str:
    return st.session_state.get("lang", "vi")


def t(vi: str, en: str) -> str:
    return tr(lang(), vi, en)


def number(value: float | None, decimals: int = 0) -> str:
    return format_number(value, lang(), decimals)


def percent(share: float | None, decimals: int = 0) -> str:
    return format_percent(share, lang(), decimals)


def day(value: date | None) -> str:
    return format_date(value, lang())


def _keep(name: str) -> None:
    st.session_state[name] = st.session_state[f"_{name}"]


def sidebar() -> None:
    """Language switch and the as-of date that moves every page back in time.

    The choices live in plain session keys ("lang", "as_of"): Streamlit drops a widget's own state when
    st.switch_page changes page, and the widgets are rebuilt from these keys."""
    streamlit_texts()
    with st.sidebar:
        st.radio(
            "Ngôn ngữ / Language",
            list(LANGUAGES),
            index=list(LANGUAGES).index(lang()),
            format_func=LANGUAGES.get,
            key="_lang",
            on_change=_keep,
            args=("lang",),
            horizontal=True,
        )
        st.date_input(
            t("Số liệu tính đến ngày", "Figures as of"),
            value=as_of(),
            min_value=get_settings().start_date,
            format="DD/MM/YYYY",
            key="_as_of",
            on_change=_keep,
            args=("as_of",),
        )


# Streamlit 1.67 has no way to translate its own widget texts (streamlit/streamlit#1353, #13500), so the few that
# show here are replaced by CSS, keyed on the data-testid / data-key attributes Streamlit sets on them: the text
# itself is shrunk to nothing and the Vietnamese drawn in its place.
_STREAMLIT_TEXTS_VI = """<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span,
[data-key="__select_all__"] [data-item-hl],
[role="listbox"][data-empty="true"] > [role="option"] > span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]
  p::after {{ content: "Chọn tệp"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "Tối đa {limit} MB mỗi tệp"; font-size: 0.875rem; }}
[data-key="__select_all__"] [data-item-hl]::after {{ content: "Chọn tất cả"; font-size: 0.875rem; }}
[role="listbox"][data-empty="true"] > [role="option"] > span::after {{ content: "Không có kết quả"; font-size: 1rem; }}
</style>"""


def streamlit_texts() -> None:
    """Streamlit's own widget texts ("Upload", "10MB per file", "Select all", "No results") in Vietnamese."""
    if lang() == "vi":
        st.html(_STREAMLIT_TEXTS_VI.format(limit=get_settings().upload_limit_mb))


def as_of() -> date:
    return st.session_state.get("as_of") or today()


def province() -> str:
    return get_settings().province


def national() -> bool:
    return province() == NATIONAL


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(module: str, name: str, version: tuple, args: tuple) -> Any:
    with db.session() as session:
        return getattr(importlib.import_module(module), name)(session, *args)


def data_version() -> tuple:
    with db.session() as session:
        return queries.data_version(session)


def query(function: Callable, *args: Any) -> Any:
    """Run a read function of readiness/ taking (session, *args), cached until the data changes (checked once
    per call). Figures are for logged-in users only."""
    logged_in()
    return _cached(function.__module__, function.__name__, data_version(), args)


def has_submissions() -> bool:
    return data_version()[0] > 0


def empty_state() -> None:
    """What to do on a database without any submission: import a workbook, or load the demo in one click."""
    kpis = query(queries.kpis, as_of(), province())
    left, right = st.columns(2)
    left.metric(t("Xã, phường", "Communes"), number(kpis["communes"]), border=True)
    right.metric(t("Tiêu chí", "Criteria"), number(kpis["criteria"]), border=True)
    st.info(
        t(
            "Chưa có báo cáo nào. Hãy nhập bảng tổng hợp của tỉnh hoặc phiếu tự đánh giá của xã, phường "
            "(trang Nộp phiếu), hoặc nạp dữ liệu mẫu để xem thử.",
            "No submissions yet. Import the province workbook or a commune checklist (Upload page), "
            "or load demo data to try the app.",
        ),
        icon=":material/info:",
    )
    who = logged_in()
    if allowed(who, Permission.IMPORT_CHECKLIST, who.commune_code):
        st.page_link(UPLOAD_PAGE, label=t("Nộp phiếu", "Upload"), icon=":material/upload_file:")
    if allowed(who, Permission.LOAD_DEMO) and st.button(
        t("Nạp dữ liệu mẫu", "Load demo data"), icon=":material/dataset:", key="load_demo"
    ):
        with st.spinner(t("Đang nạp dữ liệu mẫu…", "Loading demo data…")):
            act(demo.load, done=t("Đã nạp dữ liệu mẫu.", "Demo data loaded."))


def data_page(title_vi: str, title_en: str) -> Actor:
    """The head of a page of figures: login check, title, the as-of date; stops with the empty state when there is
    nothing to show yet. Returns the logged-in account."""
    account = logged_in()
    st.title(t(title_vi, title_en))
    st.caption(t(f"Số liệu tính đến ngày {day(as_of())}", f"Figures as of {day(as_of())}"))
    if not has_submissions():
        empty_state()
        st.stop()
    return account


def open_commune(code: str) -> None:
    st.session_state["commune"] = code
    st.switch_page(COMMUNE_PAGE, query_params={"commune": code})


def column_config(spec: Table) -> dict[str, Any]:
    """st.dataframe's column_config from a view's column spec (readiness.views): headers in the page's
    language, widths, dates as dd/mm/yyyy, progress as bars."""
    config = {}
    for column in spec.on("page"):
        label, width = column.header(lang()), column.page
        if column.kind == "int":
            config[column.key] = st.column_config.NumberColumn(label, width=width)
        elif column.kind == "date":
            config[column.key] = st.column_config.DateColumn(label, width=width, format=_DATE_FORMATS[lang()])
        elif column.kind == "datetime":
            date_format = _DATE_FORMATS[lang()]
            config[column.key] = st.column_config.DatetimeColumn(label, width=width, format=f"{date_format} HH:mm:ss")
        elif column.kind == "progress":
            config[column.key] = progress_column(label, width)
        else:
            config[column.key] = st.column_config.TextColumn(label, width=width)
    return config


# Moment.js formats of ui.day: 05/01/2026 and 05 Jan 2026.
_DATE_FORMATS = {"vi": "DD/MM/YYYY", "en": "DD MMM YYYY"}


def table(frame: Any, spec: Table, **kwargs: Any) -> Any:
    """A view's frame as the page shows it: the spec's columns, in its order, with its headers."""
    return st.dataframe(
        frame, hide_index=True, column_order=spec.keys("page"), column_config=column_config(spec), **kwargs
    )


def wrapped_row_height(texts: Any, characters_per_line: int = 90) -> int | None:
    """A row height (px) at which the longest of `texts` wraps in full in a wide column; None (one line) when
    every text fits one line. Streamlit wraps cell text only in rows taller than 4 rem."""
    lines = max((len(str(text)) for text in texts), default=0) // characters_per_line + 1
    return None if lines == 1 else max(65, 22 * lines + 10)


def commune_table(frame: Any, spec: Table, key: str) -> None:
    """A table with one row per commune (a commune_code column); choosing a row opens that commune's page."""
    picked = table(frame, spec, on_select="rerun", selection_mode="single-row", key=key)
    st.caption(t("Chọn một dòng để mở trang của xã, phường.", "Select a row to open the commune's page."))
    if picked.selection.rows:
        open_commune(frame.iloc[picked.selection.rows[0]]["commune_code"])


def chart(spec: alt.TopLevelMixin, key: str | None = None) -> Any:
    """Draw an Altair chart of readiness.charts; with a key, clicks select (returns the selection state)."""
    if key is None:
        return st.altair_chart(spec, width="stretch", theme=None)
    return st.altair_chart(spec, width="stretch", theme=None, key=key, on_select="rerun")


def picked_commune(event: Any) -> str | None:
    """The commune a click selected in a chart with a "commune" selection parameter, if any."""
    points = (event or {}).get("selection", {}).get("commune") or []
    return points[0].get("commune_code") if points else None


def status_frame(scope: str | None = None) -> Any:
    """Commune × criterion status of the province in scope (or of `scope`), as of the sidebar date."""
    return query(queries.status, as_of(), scope or province())


def download(
    label: str,
    build: Callable[..., bytes],
    *args: Any,
    file_name: str,
    mime: str,
    icon: str = ":material/download:",
    **kwargs: Any,
) -> None:
    """A download button whose file is built by `build(session, *args, **kwargs)` only when it is clicked.

    Streamlit calls the builder in another thread, without this session's state: everything it needs (the
    actor too) is passed in now."""

    def data() -> bytes:
        with db.session() as session:
            return build(session, *args, **kwargs)

    st.download_button(label, data=data, file_name=file_name, mime=mime, icon=icon, on_click="ignore")


def download_export(label: str, build: Callable[..., bytes], *args: Any, file_name: str, mime: str) -> None:
    """A download button for a report or export, shown only to accounts that may export (leaders, officers)."""
    who = logged_in()
    if allowed(who, Permission.EXPORT):
        download(label, build, *args, file_name=file_name, mime=mime, actor=who)


def progress_column(label: str, width: str | None = None) -> Any:
    """A 0–100 progress bar column; whole percents need no decimal separator, so they read the same in vi and en."""
    return st.column_config.ProgressColumn(label, width=width, format="%.0f%%", min_value=0, max_value=100)


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
    """Run one write of readiness/ as the logged-in account, in one transaction. A refusal or a bad input (both
    explained in two languages) is shown and changes nothing; on success the page reruns (so that what it shows
    is fresh) and its show_done() says `done`."""
    try:
        with db.write_session() as session:
            write(session, actor(), *args)
    except Bilingual as exc:
        st.error(exc.message(lang()))
        return
    st.session_state["done"] = done
    st.rerun()


def show_done() -> None:
    """The confirmation of the write that triggered this run, if any."""
    if done := st.session_state.pop("done", None):
        st.success(done, icon=":material/check_circle:")
