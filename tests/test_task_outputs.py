"""The tasks part of the leaders' PDF, of the consolidated Excel and of the official report's text: the figures of
readiness.reading.tasks, worded as the steering committee reads them."""

import io
from datetime import date

import openpyxl
from pypdf import PdfReader

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.outputs import export, official, report, task_texts
from readiness.reading import tasks as register

AS_OF = date(2025, 11, 14)


def test_committee_sentence_reads_as_the_steering_committee_says_it():
    summary = {
        "as_of": "2025-11-14",
        "total": 187,
        "done": {"total": 98, "on_time": 83, "late": 15},
        "in_progress": {"total": 89, "within": 70, "overdue": 19},
        "continuous": 0,
        "by_unit": {},
    }
    assert task_texts.committee_sentence(summary) == (
        "Tổng số 187 nhiệm vụ Trung ương giao: đã hoàn thành 98 (đúng hạn 83, quá hạn 15); đang thực hiện 89 "
        "(trong hạn 70, quá hạn 19)"
    )
    assert task_texts.committee_sentence(summary, lang="en").startswith("Of the 187 tasks set by the central level")


def test_pdf_excel_and_official_text_state_the_register(demo_data: str):
    with db.session() as session:
        frame = register.register(session, AS_OF)
        central = register.summary(frame[frame["level"] == "Trung ương"], AS_OF)
        sentences = task_texts.report_section(frame, AS_OF, "Phụ lục IV")
        pdf = report.province_report(session, AS_OF, "01", "vi", actor=OPERATOR)
        workbook = export.consolidated_workbook(session, AS_OF, "01", "vi", actor=OPERATOR)
    expected = task_texts.committee_sentence(central) + "."
    assert sentences[0] == expected
    assert f"đã hoàn thành {central['done']['total']} (đúng hạn {central['done']['on_time']}" in expected

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert expected in text
    assert all(code in text for code in register.overdue(frame)["code"])

    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["Nhiệm vụ"]
    assert expected in sheet["A1"].value
    codes = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]]
    assert codes == frame["code"].tolist()
    units = [row[1] for row in book["Đơn vị chủ trì"].iter_rows(min_row=5, values_only=True) if row[1]]
    assert sorted(units) == sorted(frame["lead_unit_name"].unique())


def test_official_report_has_the_tasks_section(demo_data: str):
    with db.session() as session:
        frame = register.register(session, AS_OF)
        document = official.build(session, AS_OF, "01", official.Details.from_settings("01"))
    central = task_texts.committee_sentence(register.summary(frame[frame["level"] == "Trung ương"], AS_OF)) + "."
    texts = [p.text for p in document.body]
    heading = texts.index("V. NHIỆM VỤ THEO KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT 57")
    assert texts[heading + 1].startswith(central)
    assert "VI. ĐỀ XUẤT, KIẾN NGHỊ" in texts
