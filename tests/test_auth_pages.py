"""Login, setup, account and admin pages, and what each role is shown, with Streamlit's AppTest."""

import csv
import io

import openpyxl
import pandas as pd
import pytest
from conftest import APP, SESSION_KEY, TEST_PASSWORD, log_in, next_click
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import ui
import web
from readiness.access import audit, auth, sessions
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.models import Role
from readiness.outputs.views import tables as views

pytestmark = pytest.mark.page

ADMIN_PAGES = ["pages/accounts.py", "pages/audit.py"]


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def create(name: str, role: Role, commune: str | None = None, email: str | None = None) -> Actor:
    with db.write_session() as session:
        return auth.create_account(session, OPERATOR, name, role, TEST_PASSWORD, commune, email)


def test_login_page_is_a_form_posting_to_the_login_route_with_a_csrf_token(initialized):
    create("lan", Role.COMMUNE, "00070")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert titles(at) == ["Đăng nhập"] and not at.metric
    with pytest.raises(ValueError):
        at.switch_page("pages/overview.py")  # not a page before login
    (form,) = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    assert f'action="{web.LOGIN_PATH}"' in form and 'method="post"' in form
    assert f'name="{web.CSRF_FIELD}"' in form and 'name="password"' in form


def test_a_session_logs_the_app_in_and_shows_the_account(initialized):
    lan = create("lan", Role.COMMUNE, "00070")
    at = log_in(AppTest.from_file(APP, default_timeout=60), lan).run()
    assert at.session_state["actor"] == Actor("lan", Role.COMMUNE, "00070")
    assert titles(at) == ["Mức độ sẵn sàng của xã, phường"]
    assert "**lan** · Cán bộ xã, phường · Phường Hoàn Kiếm" in at.sidebar.caption[0].value
    assert any(f'action="{web.LOGOUT_PATH}"' in h.proto.body for h in at.sidebar.get("html"))


def test_setup_page_is_gone_once_an_account_exists(initialized):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert titles(at) == ["Thiết lập lần đầu"]
    create("someone", Role.LEADER)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert titles(at) == ["Đăng nhập"]
    with pytest.raises(ValueError):
        at.switch_page("pages/setup.py")


def test_setup_page_refuses_differing_or_short_passwords(initialized):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[1].set_value("first-admin-57")
    at.text_input[2].set_value("first-admin-58")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Hai mật khẩu không giống nhau."]
    at.text_input[1].set_value("short")
    at.text_input[2].set_value("short")
    at.button[0].click().run()
    assert at.error[0].value.startswith("Mật khẩu quá ngắn")
    with db.session() as session:
        assert not auth.accounts_exist(session)


@pytest.mark.parametrize(("role", "commune"), [(Role.OFFICER, None), (Role.LEADER, None), (Role.COMMUNE, "00070")])
def test_non_admins_see_no_admin_pages(app_as, role, commune):
    at = app_as(role, commune).run()
    assert not at.exception
    assert titles(at) == ["Mức độ sẵn sàng của xã, phường"]
    for page in ADMIN_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)
    at.switch_page("pages/account.py").run()
    assert titles(at) == ["Tài khoản của tôi"]


def test_pages_require_login_even_when_opened_directly(app_as):
    # Right after the server starts, Streamlit may run a script of pages/ without app.py; AppTest does the same
    # after switch_page. Without a logged-in account the page shows nothing but a request to log in.
    at = app_as(Role.ADMIN).run()
    for page in ["pages/overview.py", *ADMIN_PAGES, "pages/account.py"]:
        del at.session_state["actor"]
        at.switch_page(page).run()
        assert not at.exception, page
        assert [w.value for w in at.warning] == ["Hãy đăng nhập để xem trang này."], page
        assert not at.metric and not at.dataframe
        at.session_state["actor"] = Actor("test-admin", Role.ADMIN)


def test_a_disabled_account_is_logged_out_at_its_next_run(app_as):
    at = app_as(Role.LEADER).run()
    assert titles(at) == ["Mức độ sẵn sàng của xã, phường"]
    with db.write_session() as session:
        auth.disable_account(session, OPERATOR, "test-leader")
    at = next_click(at)
    assert titles(at) == ["Đăng nhập"]
    assert at.error[0].value.startswith("Phiên đăng nhập đã kết thúc")
    assert "actor" not in at.session_state


def test_admin_creates_disables_and_resets_accounts_on_the_accounts_page(app_as):
    at = app_as(Role.ADMIN).run()
    at.switch_page("pages/accounts.py").run()
    assert not at.exception
    assert list(at.dataframe[0].value["Tên đăng nhập"]) == ["test-admin"]
    assert "password_hash" not in at.dataframe[0].value.columns

    form = at.get("form")[0]
    form.text_input[0].set_value("lan")
    form.selectbox[0].set_value(Role.COMMUNE)
    form.selectbox[1].set_value("00073")
    form.text_input[2].set_value("lan-password-1")
    form.button[0].click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Đã tạo tài khoản lan."]
    table = at.dataframe[0].value.set_index("Tên đăng nhập")
    assert table.loc["lan", "Xã, phường"] == "Phường Cửa Nam"
    assert auth.authenticate("lan", "lan-password-1") == Actor("lan", Role.COMMUNE, "00073")

    at.selectbox(key="state_account").set_value("lan")
    at.button(key="disable_account").click().run()
    assert [s.value for s in at.success] == ["Đã vô hiệu hóa lan."]
    assert at.dataframe[0].value.set_index("Tên đăng nhập").loc["lan", "Trạng thái"] == "Đã vô hiệu hóa"

    at.selectbox(key="state_account").set_value("test-admin")
    at.button(key="disable_account").click().run()
    # Refusals are shown as plain text: Markdown signs escaped (ui.plain).
    assert [e.value for e in at.error] == [
        ui.plain("Không thể vô hiệu hóa test-admin: đây là quản trị viên cuối cùng còn hoạt động.")
    ]

    reset = at.get("form")[1]
    reset.selectbox[0].set_value("lan")
    reset.text_input[0].set_value("short")
    reset.button[0].click().run()
    assert at.error[0].value.startswith("Mật khẩu quá ngắn")


def test_account_page_changes_the_password_which_ends_every_session(app_as):
    at = app_as(Role.OFFICER).run()
    other_tab = sessions.open_session(Actor("test-officer", Role.OFFICER), "another browser")
    at.switch_page("pages/account.py").run()
    assert "Tài khoản đang đăng nhập ở 2 trình duyệt hoặc thiết bị." in [m.value for m in at.markdown]
    for current in ("not-my-password", TEST_PASSWORD):
        for field, value in zip(at.text_input, (current, "officer-new-57", "officer-new-57"), strict=True):
            field.set_value(value)
        at.button[0].click().run()
        if current != TEST_PASSWORD:
            assert [e.value for e in at.error] == [ui.plain("Mật khẩu hiện tại không đúng.")]
    assert auth.authenticate("test-officer", "officer-new-57").name == "test-officer"
    assert sessions.actor_for(other_tab) is None
    at = next_click(at)
    assert titles(at) == ["Đăng nhập"]
    assert [s.value for s in at.success] == ["Đã đổi mật khẩu. Hãy đăng nhập lại."]


def test_log_out_everywhere_ends_every_session_of_the_account(app_as):
    at = app_as(Role.LEADER).run()
    other = sessions.open_session(Actor("test-leader", Role.LEADER), "phone")
    at.switch_page("pages/account.py").run()
    next(b for b in at.button if b.label == "Đăng xuất khỏi mọi nơi").click().run()
    assert sessions.actor_for(other) is None
    assert sessions.actor_for(at.session_state[SESSION_KEY]) is None
    at = next_click(at)
    assert titles(at) == ["Đăng nhập"]
    assert [s.value for s in at.success] == ["Đã đăng xuất khỏi mọi nơi."]


def test_audit_page_filters_and_exports(app_as, monkeypatch):
    downloads = {}  # what the page's download buttons hold, by file name
    keep = MemoryMediaFileStorage.load_and_get_id

    def record(storage, data, mimetype, kind, filename=None):
        downloads[filename] = data
        return keep(storage, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    at = app_as(Role.ADMIN).run()
    create("lan", Role.LEADER)
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["Người thực hiện"]) == ["cli", "cli"]
    at.selectbox[1].set_value("account.create").run()
    assert list(at.dataframe[0].value["Đối tượng"]) == ["lan", "test-admin"]
    csv_button, excel_button = at.get("download_button")
    assert csv_button.proto.label == "Tải CSV" and excel_button.proto.label == "Tải Excel"
    # The downloads hold exactly the rows and headers the page shows (views.audit_trail).
    with db.session() as session:
        events = audit.events(session, Actor("test-admin", Role.ADMIN), action="account.create")
    table = views.audit_trail(events, "vi")
    pd.testing.assert_frame_equal(at.dataframe[0].value, table, check_dtype=False)
    exported = list(csv.DictReader(io.StringIO(downloads["audit.csv"].decode("utf-8-sig"))))
    assert list(exported[0]) == list(table.columns)
    assert [r["Đối tượng"] for r in exported] == ["lan", "test-admin"]
    sheet = openpyxl.load_workbook(io.BytesIO(downloads["audit.xlsx"])).active
    assert [c.value for c in sheet[1]] == list(table.columns)
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["lan", "test-admin"]


def test_single_sign_on_logs_in_the_account_with_that_email_only(initialized):
    create("chief", Role.LEADER, email="chief@so.gov.vn")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": "Chief@so.gov.vn"}
    at.run()
    assert at.session_state["actor"] == Actor("chief", Role.LEADER)
    assert titles(at) == ["Mức độ sẵn sàng của xã, phường"]

    stranger = AppTest.from_file(APP, default_timeout=60)
    stranger.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    stranger.user = {"is_logged_in": True, "email": "stranger@so.gov.vn"}
    stranger.run()
    assert titles(stranger) == ["Đăng nhập"]
    assert ui.plain("stranger@so.gov.vn") in stranger.error[0].value
    with db.session() as session:
        assert auth.account_names(session) == {"chief"}


@pytest.mark.parametrize("installed", [True, False])
def test_sso_is_offered_only_when_configured(initialized, monkeypatch, installed):
    monkeypatch.setattr(ui, "sso_installed", lambda: installed)
    create("chief", Role.LEADER)
    plain = AppTest.from_file(APP, default_timeout=60).run()
    assert not plain.button and not plain.warning
    configured = AppTest.from_file(APP, default_timeout=60)
    configured.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    configured.run()
    if installed:
        assert [b.label for b in configured.button] == ["Đăng nhập một lần (SSO)"]
    else:
        assert [w.value for w in configured.warning] == [
            'Đã cấu hình đăng nhập một lần nhưng chưa cài Authlib: pip install ".[auth]".'
        ]
