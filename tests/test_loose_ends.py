"""Loose ends of the interface (issue 20, item 12): what a page says matches what it does."""

import pytest
import streamlit
from conftest import APP, account, log_in
from streamlit.testing.v1 import AppTest
from test_webform import form

from readiness.access.permissions import OPERATOR
from readiness.core.models import Role
from readiness.intake import excel


@pytest.mark.page
def test_the_evidence_uploader_says_one_limit_in_its_label_and_its_drop_zone(demo_sqlite):
    at = log_in(AppTest.from_file(APP, default_timeout=60), account(Role.COMMUNE, "00070"))
    at.run()
    at.switch_page("pages/commune.py").run()
    assert not at.exception
    (uploader,) = [u for u in at.get("file_uploader") if "PDF" in u.proto.label]
    assert "tối đa 5 MB" in uploader.proto.label
    assert uploader.proto.max_upload_size_mb == 5  # the drop zone's "Tối đa … MB"


@pytest.mark.page
def test_the_sidebar_lists_every_page_without_an_english_view_more_button(demo_sqlite, monkeypatch):
    calls = []
    navigation = streamlit.navigation

    def recorded(pages, **options):
        calls.append((len(pages), options))
        return navigation(pages, **options)

    monkeypatch.setattr(streamlit, "navigation", recorded)
    at = log_in(AppTest.from_file(APP, default_timeout=60), account(Role.ADMIN))
    at.run()
    assert not at.exception
    ((pages, options),) = calls
    assert pages > 10 and options.get("expanded") is True


def test_the_web_form_asks_for_yes_or_no_without_pointing_to_a_list_it_does_not_have(initialized):
    outcome = excel.check_form(form(TC01=("maybe", None)), OPERATOR)
    (problem,) = outcome.problems
    assert problem.message("vi").startswith("Tiêu chí TC01: 'maybe' không phải câu trả lời Có/Không. Ghi 'Có' hoặc")
    assert "(trong phiếu Excel: chọn trong danh sách của ô)" in problem.message("vi")
