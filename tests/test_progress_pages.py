"""Pages' long work with a progress bar with words: national reports and workbooks built on a click."""

import io
from datetime import date
from pathlib import Path

import pytest
from conftest import account, log_in, submit
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from readiness.core import db
from readiness.core.models import Role

pytestmark = pytest.mark.page

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_the_national_workbook_is_built_on_a_click_with_a_progress_bar_then_downloaded(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    leader = account(Role.LEADER)  # the database made, with the communes of the whole country
    submit("00070", date(2025, 10, 18), {"TC01": 1})
    at = AppTest.from_file(APP, default_timeout=120)
    log_in(at, leader)
    at.session_state["as_of"] = date(2025, 10, 20)
    at.run()
    at.switch_page("pages/heatmap.py").run()
    assert not at.exception
    name = "tong-hop-2025-10-20.xlsx"
    (build,) = [b for b in at.button if b.label == f"Tạo tệp {name}"]
    assert not [d for d in at.get("download_button") if d.proto.label == "Tải bảng tổng hợp (Excel)"]
    shown = []
    monkeypatch.setattr("ui.ProgressBar.__call__", lambda self, done, total, what: shown.append((done, total, what)))
    build.click().run()
    assert not at.exception
    assert shown == [(1, 5, "Tổng hợp"), (2, 5, "Chi tiết"), (3, 5, "Xếp hạng"), (4, 5, "Tiêu chí"), (5, 5, "xlsx")]
    assert [d for d in at.get("download_button") if d.proto.label == "Tải bảng tổng hợp (Excel)"]
    assert not [b for b in at.button if b.label == f"Tạo tệp {name}"]  # built: the download is offered instead
    data = at.session_state[f"built_{name}"][1]
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Tổng hợp", "Chi tiết", "Xếp hạng", "Tiêu chí"]
