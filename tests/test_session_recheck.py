"""Every action re-checks the login session when it runs: a download button builds its file at the click, maybe
hours after its page was drawn, and an account disabled, logged out everywhere or whose password was reset since
gets no file from a tab it still has open."""

from collections.abc import Callable
from datetime import date

import pytest
import streamlit as st
from conftest import APP, account, log_in
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

import ui
from readiness.access import auth, sessions
from readiness.access.auth import AccountError
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.models import Account, Role

pytestmark = pytest.mark.page
AS_OF = date(2025, 10, 15)  # 13 communes on the warning list of the demo


def _disable(who: Actor) -> None:
    with db.write_session() as session:
        auth.disable_account(session, OPERATOR, who.name)


def _log_out_everywhere(who: Actor) -> None:
    with db.write_session() as session:
        sessions.log_out_everywhere(session, who)


def _reset(who: Actor) -> None:
    with db.write_session() as session:
        auth.reset_password(session, OPERATOR, who.name, "another-password-57")


ENDINGS = {"disabled": _disable, "logged out everywhere": _log_out_everywhere, "password reset": _reset}


@pytest.fixture
def buttons(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """What each download button drawn will call at its click, by label (AppTest has no media file manager to
    register it with, so it is kept here as Streamlit keeps it: the very callable the page passed)."""
    found: dict[str, Callable[[], bytes]] = {}
    draw = st.download_button

    def keep(label, data, *args, **kwargs):
        if callable(data):
            found[label] = data
        return draw(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", keep)
    return found


def _open(who: Actor, page: str, query: dict[str, str] | None = None) -> AppTest:
    at = log_in(AppTest.from_file(APP, default_timeout=60), who)
    at.session_state["as_of"] = AS_OF
    at.run()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_an_export_clicked_after_the_session_ended_gives_no_file(demo_data, buttons, ending):
    officer = account(Role.OFFICER)
    _open(officer, "pages/warnings.py")
    click = buttons["Tải danh sách cảnh báo (Excel)"]
    assert click().startswith(b"PK")  # an open session: the workbook
    ENDINGS[ending](officer)
    with pytest.raises(AccountError) as refused:
        click()
    assert refused.value.message("en").startswith("Your session has ended")


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_commune_checklist_clicked_after_the_session_ended_gives_no_file(demo_data, buttons, ending):
    lan = account(Role.COMMUNE, "00070")
    _open(lan, "pages/commune.py", {"commune": "00070"})
    click = buttons["Tải phiếu điền sẵn số liệu gần nhất (.xlsx)"]
    assert click().startswith(b"PK")
    ENDINGS[ending](lan)
    with pytest.raises(AccountError):
        click()


def test_the_file_is_built_with_the_rights_the_account_has_at_the_click(demo_data, buttons):
    """A leader turned into a commune account between the drawing and the click may no longer export."""
    leader = account(Role.LEADER)
    _open(leader, "pages/warnings.py")
    click = buttons["Tải danh sách cảnh báo (Excel)"]
    assert click().startswith(b"PK")
    with db.write_session() as session:
        session.exec(update(Account).where(Account.name == leader.name).values(role=Role.COMMUNE, commune_code="00070"))
    with pytest.raises(auth.Refusal) as refused:
        click()
    assert "does not have the right: export" in refused.value.message("en")


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_write_after_the_session_ended_is_refused_and_changes_nothing(initialized, ending):
    """The form was drawn while the session was open; when it is sent, the session is found again first."""
    account(Role.ADMIN)
    admin = Actor("second-admin", Role.ADMIN)
    with db.write_session() as session:
        auth.create_account(session, OPERATOR, admin.name, Role.ADMIN, "second-admin-password")
    at = log_in(AppTest.from_file(APP, default_timeout=60), admin).run()
    at.switch_page("pages/accounts.py").run()
    form = at.get("form")[0]
    form.text_input[0].set_value("lan")
    form.text_input[2].set_value("lan-password-1")
    ENDINGS[ending](admin)
    form.button[0].click().run()
    assert [e.value for e in at.error] == [ui.plain(ui.SESSION_ENDED.vi)]
    with db.session() as session:
        assert "lan" not in auth.account_names(session)
