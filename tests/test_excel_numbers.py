"""Numbers no criterion can hold (NaN, infinity, 1e309, 400 digits, above 1e9, a ratio over a NaN out-of) are
refused with a cell message, never stored as "not reported" or as an infinite green."""

import re

import pytest
from excel_fill import checklist
from test_excel_attacks import SHEET, SHEET_PART, counts, rewritten

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.intake import excel
from readiness.intake.excel.values import MAX_VALUE

MARK = 424242


def with_raw(cell: str, raw: str, out_of: str | None = None) -> bytes:
    """A checklist whose `cell` holds the number `raw` exactly as written in the sheet's XML (what Excel or any
    program may write, though openpyxl would not)."""
    code = {"E12": "TC01", "E13": "TC02", "E14": "TC03"}[cell]
    data = checklist(**{code: (MARK, MARK + 1 if out_of else None)})

    def edit(xml: str) -> str:
        xml = re.sub(rf"<v>{MARK}</v>", f"<v>{raw}</v>", xml)
        return re.sub(rf"<v>{MARK + 1}</v>", f"<v>{out_of}</v>", xml) if out_of else xml

    return rewritten(data, SHEET_PART, edit)


CASES = {
    "raw NaN, yes/no": (lambda: with_raw("E12", "NaN"), "E12", "không phải câu trả lời Có/Không"),
    "raw NaN, number": (lambda: with_raw("E13", "NaN"), "E13", "không phải là số"),
    "inf": (lambda: with_raw("E13", "inf"), "E13", "lớn bất thường"),
    "1e309": (lambda: with_raw("E13", "1e309"), "E13", "lớn bất thường"),
    "-inf": (lambda: with_raw("E13", "-inf"), "E13", "số âm"),
    "above 1e9": (lambda: with_raw("E13", "1000000001"), "E13", "lớn bất thường (quá 1.000.000.000)"),
    "400-digit text": (lambda: checklist(TC02=("9" * 400, None)), "E13", "lớn bất thường"),
    "yes/no as 2": (lambda: with_raw("E12", "2"), "E12", "không phải câu trả lời Có/Không"),
    "ratio over a NaN out-of": (lambda: with_raw("E14", "5", out_of="NaN"), "F14", "không phải là số"),
    "ratio over an infinite out-of": (lambda: with_raw("E14", "5", out_of="inf"), "F14", "lớn bất thường"),
    "ratio above its out-of": (lambda: checklist(TC03=(31, 30)), "E14", "lớn hơn tổng số"),
    "share above 100%": (lambda: checklist(TC03=("100,5%", None)), "E14", "vượt quá 100%"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_non_finite_and_absurd_numbers_are_refused_with_the_cell(initialized, case):
    build, cell, fragment = CASES[case]
    before = counts()
    (outcome,) = excel.import_files([("phieu.xlsx", build())], OPERATOR)
    assert outcome.outcome == excel.Outcome.REJECTED
    found = [(p.sheet, p.cell, p.message("vi")) for p in outcome.problems]
    assert len(found) == 1 and found[0][:2] == (SHEET, cell) and fragment in found[0][2], found
    assert len(found[0][2]) < 300  # a 400-digit value is cut short in the message
    assert counts()["Submission"] == before["Submission"]


def test_the_largest_sane_number_is_accepted(initialized):
    (outcome,) = excel.import_files([("phieu.xlsx", checklist(TC02=(MAX_VALUE, None)))], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems
    with db.session() as session:
        context = excel.load_context(session)
    value = excel.describe(outcome, context, "vi").set_index("criterion_code").loc["TC02", "value_text"]
    assert value == "1.000.000.000 Mbps"
