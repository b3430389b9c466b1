"""Page tests with Streamlit's AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_app_starts_on_an_empty_database_and_counts_communes_and_criteria(database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Xã, phường"] == "126"
    assert metrics["Tiêu chí"] == "16"
