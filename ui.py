"""Streamlit glue shared by the pages: language, as-of date, cached queries. No business rules here."""

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from readiness import db, queries
from readiness.auth import OPERATOR, Actor
from readiness.i18n import LANGUAGES, today, tr
from readiness.settings import get_settings


def actor() -> Actor:
    """Who is using the app. Until accounts exist (issue 6) everyone acts as the operator."""
    return st.session_state.get("actor", OPERATOR)


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
    """Run a function of readiness.queries, cached until the data changes (checked once per call)."""
    with db.session() as session:
        version = queries.data_version(session)
    return _cached(function.__name__, version, args)
