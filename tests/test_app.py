"""Page tests with Streamlit's AppTest."""

from conftest import APP, log_in
from streamlit.testing.v1 import AppTest

from readiness.access.auth import actor_for
from readiness.core import db


def test_app_starts_on_an_empty_database_with_first_run_setup_then_says_what_to_do_next(database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Thiết lập lần đầu"]
    assert not at.metric  # nothing but the setup page before the first admin exists
    name, password, confirm = at.text_input
    name.set_value("quantri")
    password.set_value("first-admin-57")
    confirm.set_value("first-admin-57")
    at.button[0].click().run()
    assert not at.exception
    at.switch_page("app.py").run()
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert [s.value for s in at.success] == ["Đã tạo quản trị viên quantri. Hãy đăng nhập."]

    with db.session() as session:
        log_in(at, actor_for(session, "quantri"))
    at.run()
    assert at.title[0].value == "Mức độ sẵn sàng của xã, phường"
    assert "Chưa có báo cáo nào" in at.info[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Xã, phường"] == "126"
    assert metrics["Tiêu chí"] == "16"
    assert [b.label for b in at.button if b.key == "load_demo"] == ["Nạp dữ liệu mẫu"]
