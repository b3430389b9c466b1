"""The web form: the same answers give the same submission as the Excel checklist, bad values the same messages;
check → confirm as an upload, origin web, archived and audited; rights; prefill; the form on the upload page."""

from dataclasses import replace
from datetime import date

import pytest
from conftest import account, shown
from excel_fill import GOOD, GOOD_GREEN, checklist, open_sheet, save
from sqlalchemy import select
from test_excel_upload_page import upload_page

from readiness.access.permissions import OPERATOR, PermissionDenied
from readiness.core import db
from readiness.core.models import AuditEvent, ImportFile, Result, Role, Submission
from readiness.intake import excel
from readiness.intake.excel import webform
from readiness.intake.excel.webform import FormRow, WebForm

EVIDENCE = {"TC01": "Quyết định 12/QĐ-UBND", "TC03": "Danh sách cán bộ"}
NOTES = {"TC02": "Đo ngày 10/11"}


def as_typed(value: object) -> str:
    return "" if value is None else str(value)


def form(commune: str = "00070", day: object = "15/11/2025", **changes: tuple) -> WebForm:
    answers = {**GOOD, **changes}
    return WebForm(
        commune,
        day,
        "Nguyễn Văn An",
        "0912 345 678",
        [
            FormRow(code, as_typed(value), as_typed(out_of), EVIDENCE.get(code, ""), NOTES.get(code, ""))
            for code, (value, out_of) in answers.items()
        ],
    )


def workbook(commune: str = "00070", **changes: tuple) -> bytes:
    workbook, sheet = open_sheet(checklist(commune, **changes))
    rows = {c.value: c.row for (c,) in sheet.iter_rows(min_row=12, max_col=1) if isinstance(c.value, str)}
    for code, text in EVIDENCE.items():
        sheet.cell(rows[code], 7).value = text
    for code, text in NOTES.items():
        sheet.cell(rows[code], 8).value = text
    return save(workbook)


def stored(submission_id: int) -> tuple[tuple, list[tuple]]:
    with db.session() as session:
        s = session.get(Submission, submission_id)
        results = session.scalars(
            select(Result).where(Result.submission_id == submission_id).order_by(Result.criterion_code)
        )
        return (
            (s.reporting_date, s.reporter_name, s.reporter_phone, s.green_count, s.origin),
            [(r.criterion_code, r.value, r.out_of, r.evidence, r.note) for r in results],
        )


def test_the_web_form_and_the_checklist_give_the_same_submission(initialized):
    (by_file,) = excel.import_files([("phieu.xlsx", workbook("00073"))], OPERATOR)
    checked = excel.check_form(form("00070"), OPERATOR)
    assert checked.outcome == excel.Outcome.CHECKED and checked.newly_green == GOOD_GREEN
    by_form = excel.confirm(checked.archive_id, OPERATOR)
    assert by_form.outcome == excel.Outcome.ACCEPTED and by_form.newly_green == by_file.newly_green == GOOD_GREEN

    (file_head, file_results), (form_head, form_results) = (
        stored(by_file.submission_ids[0]),
        stored(by_form.submission_ids[0]),
    )
    assert file_results == form_results
    assert file_head[:4] == form_head[:4] == (date(2025, 11, 15), "Nguyễn Văn An", "0912 345 678", GOOD_GREEN)
    assert (file_head[4], form_head[4]) == ("upload", "web")
    with db.session() as session:
        archived = session.get(ImportFile, by_form.archive_id)
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert (archived.kind, archived.outcome) == (webform.WEB_FORM, "accepted")
    assert WebForm.from_json(archived.content) == form("00070")
    assert actions == ["import.accepted", "webform.checked", "webform.accepted"]


BAD = {
    "TC01": ("có lẽ", None),
    "TC02": ("-5", None),
    "TC03": ("40", "30"),
    "TC04": ("95%", None),
    "TC06": ("abc", "0"),
    "TC10": ("1e309", None),
    "TC11": ("120%", None),
    "TC16": ("12", None),
}


def test_bad_values_give_the_same_messages_as_the_checklist(initialized):
    (by_file,) = excel.import_files([("phieu.xlsx", checklist(day="32/13/2025", **BAD))], OPERATOR, dry_run=True)
    by_form = excel.check_form(form(day="32/13/2025", **BAD), OPERATOR)
    assert by_file.outcome == by_form.outcome == excel.Outcome.REJECTED
    assert len(by_file.problems) == 10
    assert [p.message("vi") for p in by_form.problems] == [p.message("vi") for p in by_file.problems]
    assert [p.message("en") for p in by_form.problems] == [p.message("en") for p in by_file.problems]
    cells = [p.cell for p in by_form.problems]
    assert cells[:3] == ["Ngày báo cáo (dd/mm/yyyy)", "TC01 · Giá trị", "TC02 · Giá trị"]
    assert "TC06 · Giá trị" in cells and "TC06 · Trên tổng số" in cells


def test_control_characters_in_a_form_field_are_refused(initialized):
    entry = form()
    entry.rows[0] = FormRow("TC01", "Có", "", "Biên bản\x00\u202e", "")
    outcome = excel.check_form(entry, OPERATOR)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert [(p.cell, "U+0000, U+202E" in p.message("vi")) for p in outcome.problems] == [("TC01 · Minh chứng", True)]


def test_a_reporter_field_longer_than_a_name_or_phone_is_refused(initialized):
    entry = replace(form(), reporter_phone="0912 345 678 " * 10)
    outcome = excel.check_form(entry, OPERATOR)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert [p.cell for p in outcome.problems] == ["Số điện thoại"]
    assert "tối đa 100" in outcome.problems[0].message("vi")


def test_rights_a_commune_sends_its_own_form_only_and_a_leader_none(initialized):
    commune = account(Role.COMMUNE, "00070")
    outcome = excel.check_form(form("00073"), commune)
    assert outcome.outcome == excel.Outcome.REJECTED and outcome.problems[0].cell == "Mã xã/phường"
    assert excel.check_form(form("00070"), commune).outcome == excel.Outcome.CHECKED
    with pytest.raises(PermissionDenied):
        excel.check_form(form("00070"), account(Role.LEADER))


def test_prefill_reads_back_as_the_latest_submission(initialized):
    (by_file,) = excel.import_files([("phieu.xlsx", workbook("00070", TC11=("85,5%", None)))], OPERATOR)
    with db.session() as session:
        prefilled = webform.prefill(session, "00070")
    rows = {row.criterion_code: row for row in prefilled.rows}
    assert (rows["TC01"].value, rows["TC03"].value, rows["TC03"].out_of) == ("Có", "30", "30")
    assert (rows["TC09"].value, rows["TC11"].value, rows["TC01"].evidence) == ("Không", "85,5%", EVIDENCE["TC01"])
    assert (prefilled.reporter_name, prefilled.reporter_phone) == ("Nguyễn Văn An", "0912 345 678")
    with db.session() as session:
        reading = webform.read_form(prefilled, excel.load_context(session))
    assert reading.problems == []
    assert [(r.criterion_code, r.value, r.out_of, r.evidence, r.note) for r in reading.reports[0].results] == sorted(
        stored(by_file.submission_ids[0])[1]
    )


def test_the_form_on_the_upload_page_checks_previews_and_confirms(initialized):
    at = upload_page(account(Role.COMMUNE, "00070"))
    at.segmented_control[0].set_value("form").run()
    assert not at.exception
    key = "webform_00070_0"
    assert at.text_input(key=f"{key}_name").value == ""  # no report yet: nothing to prefill
    assert at.data_editor[0].value["value"].tolist() == [""] * 16
    at.button(key=f"{key}_check").click().run()  # an empty form
    assert "Phiếu nhập trên web chưa nhập được: 1 lỗi" in at.error[0].value
    assert shown(at.dataframe[-1])[["Trang tính", "Ô"]].values.tolist() == [["Nhập trên web", "Giá trị"]]

    at.date_input(key=f"{key}_day").set_value(date(2025, 11, 15))
    at.text_input(key=f"{key}_name").input("Nguyễn Văn An")
    codes = at.data_editor[0].value["code"].tolist()
    at.session_state[key] = {
        "edited_rows": {
            str(codes.index(code)): {"value": as_typed(value), "out_of": as_typed(out_of)}
            for code, (value, out_of) in GOOD.items()
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"{key}_check").click().run()
    assert not at.exception
    preview = at.markdown[0].value
    assert "Xem trước" in preview and "15/11/2025" in preview and f"{GOOD_GREEN} đạt" in preview
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith(
        f"Đã nhập phiếu nhập trên web: {GOOD_GREEN} tiêu chí mới đạt, 0 tiêu chí không còn đạt so với báo cáo "
        "trước. Báo cáo đang chờ Sở KH&CN duyệt"
    )
    with db.session() as session:
        submission = session.scalars(select(Submission)).one()
    assert (submission.origin, submission.received_from, submission.green_count, submission.review_status) == (
        "web",
        "test-commune-00070",
        GOOD_GREEN,
        "pending",
    )
