"""Streamlit glue shared by the pages: language, as-of date, cached queries, empty states. No business rules here."""

import importlib
import importlib.util
import inspect
import logging
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

import cachetools
import pandas as pd
import streamlit as st
from sqlmodel import Session
from streamlit.navigation.page import StreamlitPage

import web
from readiness import demo
from readiness.access import auth, sessions, throttle
from readiness.access.permissions import Actor, Permission, allowed, readable_province, require
from readiness.core import db, registry
from readiness.core.i18n import (
    LANGUAGES,
    Bilingual,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    today,
    tr,
)
from readiness.core.settings import NATIONAL, get_settings
from readiness.intake import comments, evidence
from readiness.outputs import charts
from readiness.outputs.views import records
from readiness.outputs.views import tables as views
from readiness.outputs.views.columns import Table
from readiness.outputs.views.wording import pending_note
from readiness.reading import queries

log = logging.getLogger(__name__)

COMMUNE_PAGE = "pages/commune.py"
RANKING_PAGE = "pages/ranking.py"
UPLOAD_PAGE = "pages/upload.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def actor() -> Actor | None:
    """The logged-in account (re-read from the database at the start of every run), or None before login.
    Pass it to every readiness/ write: the write checks the actor's rights itself."""
    return st.session_state.get("actor")


def session() -> AbstractContextManager[Session]:
    """A database session for a page's uncached reads (ui.query caches the others; writes go through ui.act).
    ui.py is the one module outside readiness/ that opens sessions: pages and app.py get theirs here."""
    return db.session()


def lang() -> str:
    return st.session_state.get("lang", "vi")


def t(vi: str, en: str) -> str:
    return tr(lang(), vi, en)


_MARKDOWN_SIGNS = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: str) -> str:
    """User text (a file or account name, a refusal quoting input) made safe for st.markdown, st.caption,
    st.success and the like: every ASCII punctuation sign is backslash-escaped, which Markdown reads as the
    literal sign, so `![x](http://evil/x.png)` shows as those characters instead of loading an image (and
    `:red[…]`, `$…$` or `**` do nothing either)."""
    return _MARKDOWN_SIGNS.sub(r"\\\1", text)


def refusal(exc: Bilingual) -> None:
    """Show a bilingual refusal (plain text that may quote the user's input)."""
    st.error(plain(exc.message(lang())))


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


# A download whose file is refused at its click (ui.download: the tab's login session has ended, or the account
# lost the right) shows Streamlit's "Failed to generate file for download" under its button: our words instead, in
# both languages.
_DOWNLOAD_REFUSED = """<style>
[data-testid="stDownloadButtonError"] {{ font-size: 0; }}
[data-testid="stDownloadButtonError"]::after {{ content: "{text}"; font-size: 0.875rem; }}
</style>"""
DOWNLOAD_REFUSED = (
    "Không tải được tệp: phiên đăng nhập đã kết thúc hoặc tài khoản không còn quyền này. Hãy tải lại trang (F5) và "
    "đăng nhập lại.",
    "The file was not made: your session has ended or the account no longer has this right. Reload the page (F5) "
    "and log in again.",
)


def streamlit_texts() -> None:
    """Streamlit's own widget texts ("Upload", "10MB per file", "Select all", "No results") in Vietnamese; a refused
    download's in ours."""
    if lang() == "vi":
        st.html(_STREAMLIT_TEXTS_VI.format(limit=get_settings().upload_limit_mb))
    st.html(_DOWNLOAD_REFUSED.format(text=t(*DOWNLOAD_REFUSED)))


def as_of() -> date:
    return st.session_state.get("as_of") or today()


def province() -> str:
    """The province the pages show ("01", or NATIONAL): the one the logged-in account may read, as
    readiness.access.permissions decides; a national account of a national installation picks one in the sidebar."""
    who = actor()
    if who is None:
        return get_settings().province
    return readable_province(who, st.session_state.get("province"))


def province_picker(who: Actor) -> None:
    """National installation, national account: the whole country or any one province, for every page."""
    if get_settings().province != NATIONAL or who.province is not None:
        return
    choices = [NATIONAL, *(p.code for p in registry.provinces())]
    names = {NATIONAL: t("Toàn quốc", "Whole country")} | {p.code: p.name for p in registry.provinces()}
    st.selectbox(
        t("Phạm vi", "Scope"),
        choices,
        index=choices.index(province()),
        format_func=names.get,
        key="_province",
        on_change=_keep,
        args=("province",),
    )


def national() -> bool:
    return province() == NATIONAL


def result_size(value: Any) -> int:
    """Bytes a query result holds: a DataFrame with its strings, a dict or list by its items."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum())
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(result_size(item) for item in value.values())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(result_size(item) for item in value)
    return sys.getsizeof(value)


# One cache per server process, shared by every session and bounded in bytes (st.cache_data bounds only the number
# of entries, and hands each session its own unpickled copy: 35 MB per national status frame and per page run).
# The condition makes sessions asking for the same result at once wait for one computation instead of each running it.
@cachetools.cached(
    cachetools.LRUCache(maxsize=get_settings().cache_mb * 2**20, getsizeof=result_size),
    condition=threading.Condition(),
)
def _cached(database: str, module: str, name: str, version: tuple, args: tuple) -> Any:
    with db.session() as session:
        return getattr(importlib.import_module(module), name)(session, *args)


def _own(value: Any) -> Any:
    # A shallow copy is free under pandas' copy-on-write, and a page writing into it never changes the shared result.
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return {key: _own(item) for key, item in value.items()}
    return value


_DATA_VERSION = "_data_version"


def clear_cache() -> None:
    """Forget every cached query result of this process."""
    _cached.cache_clear()


def new_run() -> None:
    """Called by app.py at the start of every script run: the run's first query reads the data version again."""
    st.session_state.pop(_DATA_VERSION, None)


def rerun_after_write() -> None:
    """Rerun the script after a write, so that what the page shows is fresh (the data version is read again)."""
    new_run()
    st.rerun()


def data_version() -> tuple:
    """The data version (queries.data_version) this script run keys its cached queries by: read from the database
    at the run's first query only, so the figures of one page come from one version and a page of ten queries does
    not ask ten times. Every write reruns the script (rerun_after_write), so no run draws what it has just changed."""
    if _DATA_VERSION not in st.session_state:
        with db.session() as session:
            st.session_state[_DATA_VERSION] = queries.data_version(session)
    return st.session_state[_DATA_VERSION]


def query(function: Callable, *args: Any) -> Any:
    """Run a read function of readiness/ taking (session, *args), cached until the data changes (checked once
    per call) and shared by every session of the process (READINESS_CACHE_MB bounds the total). Figures are for
    logged-in users only."""
    logged_in()
    database = get_settings().database_url
    return _own(_cached(database, function.__module__, function.__name__, data_version(), args))


def criteria() -> int:
    """The number of criteria: the catalog's (queries.catalog), the one number pages pass to views and charts."""
    return len(query(queries.catalog))


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
    if not allowed(who, Permission.LOAD_DEMO):
        return
    # As `readiness demo`: the demo submissions and the demo accounts, said before the click.
    accounts = ", ".join(f"{name} / {demo.password(name)}" for name in demo.account_names())
    st.caption(
        t(
            f"Dữ liệu mẫu kèm các tài khoản mẫu để dùng thử (tên / mật khẩu): {accounts}. Tài khoản đã có giữ nguyên "
            "mật khẩu; lệnh readiness demo --clear xóa dữ liệu và tài khoản mẫu.",
            f"The demo data comes with demo accounts to try the app (name / password): {accounts}. Existing accounts "
            "keep their password; readiness demo --clear removes the demo data and accounts.",
        )
    )
    if st.button(t("Nạp dữ liệu mẫu", "Load demo data"), icon=":material/dataset:", key="load_demo"):
        with st.spinner(t("Đang nạp dữ liệu mẫu…", "Loading demo data…")):
            act(demo.load_all, done=t("Đã nạp dữ liệu và tài khoản mẫu.", "Demo data and accounts loaded."))


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
    """st.dataframe's column_config from a view's column spec (readiness.outputs.views): headers (and tooltips) in the
    page's language, widths, dates as dd/mm/yyyy, progress as bars."""
    config = {}
    for column in spec.on("page"):
        options = {"width": column.page, "help": t(*column.help) if column.help else None}
        label = column.header(lang())
        if column.kind == "int":
            config[column.key] = st.column_config.NumberColumn(label, **options)
        elif column.kind == "date":
            config[column.key] = st.column_config.DateColumn(label, format=_DATE_FORMATS[lang()], **options)
        elif column.kind == "datetime":
            date_format = f"{_DATE_FORMATS[lang()]} HH:mm:ss"
            config[column.key] = st.column_config.DatetimeColumn(label, format=date_format, **options)
        elif column.kind == "progress":
            config[column.key] = progress_column(label, **options)
        else:
            config[column.key] = st.column_config.TextColumn(label, **options)
    return config


# Moment.js formats of ui.day: 05/01/2026 and 05 Jan 2026.
_DATE_FORMATS = {"vi": "DD/MM/YYYY", "en": "DD MMM YYYY"}


def table(
    frame: Any,
    spec: Table,
    style: Callable[[Any], Any] | None = None,
    wrap: str | None = None,
    min_lines: int = 1,
    **kwargs: Any,
) -> Any:
    """A view's frame as the page shows it: the spec's columns, in its order, with its headers. Only those columns
    reach the browser (st.dataframe sends every column of its frame, drawn or not), personal ones only to accounts
    that may see them (Table.for_viewer); `style` makes a pandas Styler of what is sent. A cell without a value
    reads "–" as in the PDF (the grid would draw "None"): a column with such cells is sent as its text. `wrap`: a
    column whose text wraps in its page width, in rows tall enough for its longest text and `min_lines` lines."""
    if wrap is not None:
        (width,) = [c.page for c in spec.columns if c.key == wrap]
        characters = _COLUMN_PX.get(width, width) // _CHARACTER_PX
        kwargs["row_height"] = wrapped_row_height(frame[wrap], characters, min_lines)
    spec = spec.for_viewer(actor())
    sent, blanks = spec.page_cells(frame, lang())
    config = column_config(spec)
    for c in blanks:
        config[c.key] = st.column_config.TextColumn(c.header(lang()), width=c.page, help=t(*c.help) if c.help else None)
    if "height" not in kwargs and len(sent) <= FULL_TABLE_ROWS:
        # Every row in view: the grid's own height shows ten rows and hides the rest behind its scroll bar.
        kwargs["height"] = _ROW_HEIGHT + len(sent) * (kwargs.get("row_height") or _ROW_HEIGHT) + 3
    return st.dataframe(style(sent) if style else sent, hide_index=True, column_config=config, **kwargs)


# A table of at most this many rows is drawn whole; a longer one (the ranking page's 126 communes) scrolls.
FULL_TABLE_ROWS = 50
_ROW_HEIGHT = 35  # Streamlit's default row (and header) height, px
# Streamlit's named column widths, and a generous average character of the grid's font (px): how many characters a
# line of a wrapped column holds.
_COLUMN_PX = {"small": 75, "medium": 200, "large": 400}
_CHARACTER_PX = 9


def wrapped_row_height(texts: Any, characters_per_line: int = 90, min_lines: int = 1) -> int | None:
    """A row height (px) at which the longest of `texts` wraps in full in a column of `characters_per_line`, and
    at least `min_lines` fit; None (one line) when every text fits one line. Streamlit wraps cell text only in rows
    taller than 4 rem."""
    longest = max((len(str(text)) for text in texts), default=0)
    lines = max(min_lines, longest // characters_per_line + 1)
    return None if lines == 1 else max(65, 22 * lines + 10)


def problems_table(problems: list[Any], count: int | None = None) -> None:
    """Why a file was refused (its Problems, of `count` found when only the first were kept), each where and how to
    fix it; rows tall enough for the longest message to wrap in full, so the "how to fix" part is never cut."""
    if count is not None and count > len(problems):
        st.caption(
            t(
                f"{len(problems)} lỗi đầu tiên trong {count} lỗi:",
                f"The first {len(problems)} of {count} problems:",
            )
        )
    shown = views.import_problems(problems, lang())
    table(shown, views.IMPORT_PROBLEMS, width="stretch", row_height=wrapped_row_height(shown["message"]))


def commune_table(frame: Any, spec: Table, key: str, **kwargs: Any) -> None:
    """A table with one row per commune (a commune_code column); choosing a row opens that commune's page."""
    picked = table(frame, spec, on_select="rerun", selection_mode="single-row", key=key, **kwargs)
    st.caption(t("Chọn một dòng để mở trang của xã, phường.", "Select a row to open the commune's page."))
    if picked.selection.rows:
        open_commune(frame.iloc[picked.selection.rows[0]]["commune_code"])


def ranking_table(ranking: Any, key: str, brief: bool = False) -> None:
    """Communes with their rank (queries.ranking rows); choosing a row opens the commune's page. `brief`: the
    overview's top and bottom ten (views.ranking_table)."""
    commune_table(views.ranking(ranking, criteria(), lang()), views.ranking_table(national(), brief), key=key)


def province_ranking_table(ranking: Any) -> None:
    """Provinces with their rank (queries.province_ranking rows)."""
    table(views.province_ranking(ranking), views.PROVINCE_RANKING)


def chart(built: charts.Chart, key: str | None = None) -> Any:
    """Draw an Altair chart of outputs.charts (its spec as charts.vega_lite gives it); with a key, clicks select
    (returns the selection state)."""
    spec = charts.vega_lite(built)
    if key is None:
        return st.vega_lite_chart(spec=spec, width="stretch", theme=None)
    return st.vega_lite_chart(spec=spec, width="stretch", theme=None, key=key, on_select="rerun")


def picked_commune(event: Any) -> str | None:
    """The commune a click selected in a chart with a "commune" selection parameter, if any."""
    points = (event or {}).get("selection", {}).get("commune") or []
    return points[0].get("commune_code") if points else None


def status_frame(scope: str | None = None) -> Any:
    """Commune × criterion status of the province in scope (or of `scope`), as of the sidebar date."""
    return query(queries.status, as_of(), scope or province())


def pending_caption(status: Any) -> None:
    """Under figures drawn from a status frame: how much of them comes from submissions pending review."""
    if note := pending_note(queries.pending_figures(status), lang()):
        st.caption(f":material/pending: {note}")


def download(
    label: str,
    build: Callable[..., bytes],
    *args: Any,
    file_name: str,
    mime: str,
    icon: str = ":material/download:",
    key: str | None = None,
    permission: Permission | None = None,
    commune_code: str | None = None,
    **kwargs: Any,
) -> None:
    """A download button whose file is built by `build(session, *args, **kwargs)` only when it is clicked.

    Streamlit calls the builder in another thread, without this session's state and without running the script,
    possibly hours after the page was drawn: so the tab's login is checked again at that moment (`acting_now`), and
    an ended session (logged out everywhere, password reset, account disabled, expired) gets no file. A builder
    taking `actor` gets the account as it is then; `permission` (for `commune_code`) is checked then too."""
    login = tab_login()
    wants_actor = "actor" in inspect.signature(build).parameters

    def data() -> bytes:
        who = acting_now(*login)
        if permission is not None:
            require(who, permission, commune_code)
        with db.session() as session:
            return build(session, *args, **kwargs, **({"actor": who} if wants_actor else {}))

    st.download_button(label, data=data, file_name=file_name, mime=mime, icon=icon, on_click="ignore", key=key)


def download_export(label: str, build: Callable[..., bytes], *args: Any, file_name: str, mime: str) -> None:
    """A download button for a report or export, shown only to accounts that may export (leaders, officers).

    In national mode the reports and the consolidated workbook take tens of seconds to build: for a builder that
    reports its progress (a `progress` parameter), a first button builds the file as the account logged in at the
    click, with a progress bar with words, and the download button then hands over the file built (kept for these
    arguments and this data version only)."""
    if not allowed(logged_in(), Permission.EXPORT):
        return
    if not national() or "progress" not in inspect.signature(build).parameters:
        download(label, build, *args, file_name=file_name, mime=mime, permission=Permission.EXPORT)
        return
    key = f"built_{file_name}"
    built = st.session_state.get(key)
    if built is not None and built[0] == (args, data_version()):
        st.download_button(
            label,
            data=built[1],
            file_name=file_name,
            mime=mime,
            icon=":material/download:",
            key=f"download_{file_name}",
        )
        return
    if st.button(t(f"Tạo tệp {file_name}", f"Build {file_name}"), icon=":material/build:", key=f"build_{file_name}"):
        try:
            # Found again at this moment, not taken from the start of the run.
            who = acting_now(*tab_login())
            require(who, Permission.EXPORT)
        except Bilingual as exc:
            refusal(exc)
            return
        bar = ProgressBar(f"Đang tạo {file_name}", f"Building {file_name}")
        with db.session() as session:
            data = build(session, *args, actor=who, progress=bar)
        st.session_state[key] = ((args, data_version()), data)
        st.rerun()


class ProgressBar:
    """A progress bar with words ("Đang kiểm tra 3/12: phieu.xlsx") for long work of readiness/: pass it as the
    `progress` callback (readiness.core.progress), then clear() it."""

    def __init__(self, doing_vi: str, doing_en: str) -> None:
        self.doing = t(doing_vi, doing_en)
        self.bar = st.progress(0.0, text=f"{self.doing}…")

    def __call__(self, done: int, total: int, what: str) -> None:
        self.bar.progress(min(done / max(total, 1), 1.0), text=f"{self.doing} {done}/{total}: {plain(what)}")

    def clear(self) -> None:
        self.bar.empty()


def progress_column(label: str, width: str | None = None, help: str | None = None) -> Any:
    """A 0–100 progress bar column; whole percents need no decimal separator, so they read the same in vi and en."""
    return st.column_config.ProgressColumn(label, width=width, help=help, format="%.0f%%", min_value=0, max_value=100)


def _evidence_bytes(session: Any, evidence_id: int, *, actor: Actor) -> bytes:
    return evidence.content(session, actor, evidence_id).content


def evidence_files(files: Any, key: str, show_superseded: bool = True) -> None:
    """A commune's evidence files (rows of evidence.files): images as their stored thumbnails (the original only
    downloads), every file downloadable. Reading a file checks the account's rights in readiness.intake.evidence."""
    who = logged_in()
    current = files if show_superseded else files[~files["superseded"]]
    if current.empty:
        st.caption(t("Chưa có tệp minh chứng.", "No evidence files yet."))
        return
    for row in current.itertuples():
        state = t(" · đã bị thay thế", " · superseded") if row.superseded else ""
        # Plain text, never Markdown: a file name is the uploader's text.
        st.text(
            f"{row.criterion_code} · {row.filename} · {number(row.size / 1024, 1)} KB · {row.uploaded_by} · "
            f"{format_datetime(row.uploaded_at, lang())}{state}"
        )
        if row.media_type != evidence.PDF and not row.superseded:
            with db.session() as session:
                thumbnail = evidence.thumbnail(session, who, int(row.id))
            if thumbnail is not None:
                st.image(thumbnail)
        download(
            t("Tải tệp", "Download"),
            _evidence_bytes,
            int(row.id),
            file_name=row.filename,
            mime=row.media_type,
            key=f"{key}_evidence_{row.id}",
        )


def messages(
    read: Callable[[Session, Actor, int], tuple[Any, int]], about: Callable[[Any], str], key: str, thread_id: str
) -> None:
    """A thread of readiness.intake.comments (a commune's or a task's, `thread_id`; `read(session, actor, newest)`
    reads it), newest last: the newest comments.PAGE at first, a button (`key`_older) for older ones; `about` says
    what a message is about ("" for nothing)."""
    who, shown_key = logged_in(), f"{key}_shown_{thread_id}"
    with session() as open_session:
        thread, total = read(open_session, who, st.session_state.get(shown_key, comments.PAGE))
    if thread.empty:
        st.caption(t("Chưa có trao đổi nào.", "No messages yet."))
    elif total > len(thread) and st.button(
        t(
            f"Xem tin cũ hơn (đang hiện {number(len(thread))} tin mới nhất trong {number(total)})",
            f"Older messages (showing the newest {number(len(thread))} of {number(total)})",
        ),
        icon=":material/history:",
        key=f"{key}_older",
    ):
        st.session_state[shown_key] = len(thread) + comments.PAGE
        st.rerun()
    for message in thread.itertuples():
        said = about(message)
        with st.chat_message("user" if message.author == who.name else "assistant"):
            st.caption(f"{message.author} · {format_datetime(message.at, lang())}" + (f" · {said}" if said else ""))
            st.text(message.text)


# Login state ------------------------------------------------------------------------------------------------------


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
    return records.role_label(role, lang())


def sso_configured() -> bool:
    """Single sign-on is offered when .streamlit/secrets.toml has an [auth] section."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def sso_installed() -> bool:
    # st.login needs Authlib, an optional extra: pip install ".[auth]".
    return importlib.util.find_spec("authlib") is not None


def session_token() -> str | None:
    """The login session's token: the HttpOnly cookie set by the log-in route (web.py), as the browser sent it
    when this tab connected. A reload, a new tab and every replica get the same cookie."""
    return st.context.cookies.get(sessions.COOKIE)


def client_address() -> str:
    """This tab's client address as the log-in route finds it (readiness.access.throttle.client_address)."""
    peer = st.context.ip_address  # None without a connection (and a stand-in object under AppTest)
    return throttle.client_address(peer if isinstance(peer, str) else None, st.context.headers)


def csrf_token() -> str:
    """The CSRF cookie's value, for the forms that post to the app's routes (web.py)."""
    return st.context.cookies.get(web.CSRF_COOKIE, "")


SESSION_ENDED = auth.AccountError(
    "Phiên đăng nhập đã kết thúc (đăng xuất ở nơi khác, đổi mật khẩu, tài khoản bị vô hiệu hóa hoặc hết thời hạn). "
    "Hãy đăng nhập lại.",
    "Your session has ended (logged out elsewhere, password changed, account disabled, or expired). "
    "Please log in again.",
)


def tab_login() -> tuple[str | None, str | None]:
    """What identifies this tab's login for `acting_now`: its session token, and its account's name when it logged
    in by single sign-on."""
    current = actor()
    return session_token(), current.name if current is not None and st.session_state.get("sso") else None


def acting_now(token: str | None, sso_name: str | None) -> Actor:
    """The account behind a tab at this moment, for an action (a write, a download built at its click, outside any
    script run): the password session of the token the tab holds, or the enabled account it logged in by single sign-on.
    Raises the ended-session refusal when there is none any more."""
    fresh = sessions.actor_for(token)
    if fresh is None and sso_name:
        with db.session() as session:
            try:
                fresh = auth.actor_for(session, sso_name)
            except auth.AccountError:
                fresh = None
    if fresh is None:
        log.info("refused an action: the tab's login session has ended")
        raise auth.AccountError(SESSION_ENDED.vi, SESSION_ENDED.en)
    return fresh


def refresh_login() -> Actor | None:
    """Who is logged in, found again at the start of every run, so that a logout, a password change or a
    disabled account elsewhere takes effect at this tab's next click: the password session of the cookie, or
    else the enabled account matching the single-sign-on identity's e-mail (the identity alone grants nothing)."""
    before = actor()
    fresh = sessions.actor_for(session_token())
    if fresh is None and sso_configured() and st.user.get("is_logged_in", False):
        try:
            if before is not None and st.session_state.get("sso"):
                with db.session() as session:
                    fresh = auth.actor_for(session, before.name)
            else:
                fresh = auth.sso_login(st.user.get("email"))
        except auth.AccountError as exc:
            st.session_state["login_refusal"] = exc
        st.session_state["sso"] = fresh is not None
    if fresh is None:
        st.session_state.pop("actor", None)
        if before is not None and "login_refusal" not in st.session_state:
            st.session_state["login_refusal"] = SESSION_ENDED
        return None
    st.session_state.pop("login_refusal", None)
    st.session_state["actor"] = fresh
    return fresh


def log_out_control() -> None:
    """Log out: a password session through the log-out route (which clears the cookie), single sign-on through
    Streamlit's own."""
    if session_token():
        st.html(web.logout_form(csrf_token(), lang()))
    elif st.button(t("Đăng xuất", "Log out"), icon=":material/logout:", key="sso_logout"):
        st.session_state.pop("actor", None)
        st.logout()


def account_box(account: Actor) -> None:
    with st.sidebar:
        province_picker(account)
        st.divider()
        communes = query(queries.communes, province()).set_index("code")["name"]
        commune = f" · {communes.get(account.commune_code, account.commune_code)}" if account.commune_code else ""
        st.caption(f":material/person: **{plain(account.name)}** · {role_label(account.role)}{commune}")
        log_out_control()


def act(write: Callable, *args: Any, done: str, own_transactions: bool = False) -> None:
    """Every write of a page: run `write(session, logged-in account, *args)` of readiness/ in one transaction, which
    this helper opens and commits (pages own their transactions; readiness/ takes the session). A refusal or a bad
    input (both explained in two languages) is shown and changes nothing; on success the page reruns (so that what
    it shows is fresh) and its show_done() says `done`.

    `own_transactions`: `write(logged-in account, *args)` opens its own, for the exceptions named in
    docs/architecture.md (a password change counts a wrong current password in a transaction of its own)."""
    try:
        # Found again at this moment, not taken from the start of the run.
        who = acting_now(*tab_login())
        if own_transactions:
            write(who, *args)
        else:
            with db.write_session() as session:
                write(session, who, *args)
    except Bilingual as exc:
        refusal(exc)
        return
    st.session_state["done"] = done
    rerun_after_write()


@contextmanager
def errors_told_briefly() -> Iterator[None]:
    """An unexpected error (a bug, the database gone) shows a short bilingual message with a reference; the
    detail (traceback, SQL) goes to the server log under that reference and never to the page."""
    try:
        yield
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("unexpected error, reference %s", reference)
        st.error(
            t(
                f"Đã xảy ra lỗi ngoài dự kiến; không có gì bị mất. Hãy thử lại, nếu vẫn lỗi hãy báo quản trị viên "
                f"kèm mã {reference}.",
                f"Something unexpected went wrong; nothing was lost. Try again, and if it persists tell an admin "
                f"the reference {reference}.",
            ),
            icon=":material/error:",
        )


def not_for_this_account(title: str, home: StreamlitPage) -> None:
    """What the address of a page the logged-in account's role does not have shows: which page, why, where to go."""
    actor = logged_in()
    st.title(title)
    st.warning(
        t(
            f"Tài khoản {plain(actor.name)} ({role_label(actor.role)}) không được mở trang “{plain(title)}”: trang "
            "này dành cho vai trò khác. Các trang tài khoản của bạn dùng được nằm ở thanh bên trái; nếu cần xem "
            "trang này, hãy nhờ quản trị viên.",
            f"The account {plain(actor.name)} ({role_label(actor.role)}) may not open the page “{plain(title)}”: it "
            "is for another role. The pages your account can use are in the sidebar; if you need this one, ask an "
            "admin.",
        ),
        icon=":material/lock:",
    )
    st.page_link(home, label=t("Về trang đầu", "Go to the first page"), icon=":material/arrow_back:")


def show_done() -> None:
    """The confirmation of the write that triggered this run, if any."""
    if done := st.session_state.pop("done", None):
        st.success(done, icon=":material/check_circle:")
