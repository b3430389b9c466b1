"""Page tests with Streamlit's AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_app_starts_on_an_empty_database_and_says_what_to_do_next(database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Mức độ sẵn sàng của xã, phường"
    assert "Chưa có báo cáo nào" in at.info[0].value
