"""Streamlit glue shared by the pages: language, as-of date, cached queries, empty states. No business rules here."""

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

import altair as alt
import streamlit as st

from readiness import db, demo, queries
from readiness.auth import OPERATOR, Actor, PermissionDenied
from readiness.i18n import LANGUAGES, format_date, format_number, format_percent, today, tr
from readiness.settings import NATIONAL, get_settings

COMMUNE_PAGE = "pages/commune.py"


def actor() -> Actor:
    """Who is using the app. Until accounts exist (issue 6) everyone acts as the operator."""
    return st.session_state.get("actor", OPERATOR)


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
    per call)."""
    return _cached(function.__module__, function.__name__, data_version(), args)


def has_submissions() -> bool:
    return data_version()[0] > 0


def empty_state() -> None:
    """What to do on a database without any submission: import a workbook, or load the demo in one click."""
    st.info(
        t(
            "Chưa có báo cáo nào. Hãy nhập bảng tổng hợp của tỉnh hoặc phiếu tự đánh giá của xã, phường "
            "(trang Tải lên), hoặc nạp dữ liệu mẫu để xem thử.",
            "No submissions yet. Import the province workbook or a commune checklist (Upload page), "
            "or load demo data to try the app.",
        ),
        icon=":material/info:",
    )
    if st.button(t("Nạp dữ liệu mẫu", "Load demo data"), icon=":material/dataset:", key="load_demo"):
        try:
            with st.spinner(t("Đang nạp dữ liệu mẫu…", "Loading demo data…")), db.write_session() as session:
                demo.load(session, actor())
        except PermissionDenied as denied:
            st.error(denied.message(lang()))
            return
        st.rerun()


def require_submissions() -> None:
    """Stop the page with the empty state when there is nothing to show yet."""
    if not has_submissions():
        empty_state()
        st.stop()


def open_commune(code: str) -> None:
    st.session_state["commune"] = code
    st.switch_page(COMMUNE_PAGE, query_params={"commune": code})


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


def progress_column(label: str) -> Any:
    """A 0–100 progress bar column; whole percents need no decimal separator, so they read the same in vi and en."""
    return st.column_config.ProgressColumn(label, format="%.0f%%", min_value=0, max_value=100)
