"""The corpus of hostile workbooks (tests/attack_corpus.py): each is refused by the streamed container scan, or read,
with a specific message and a bounded list of problems. benchmarks/bench_attacks.py times the same files."""

import json

import pytest
from attack_corpus import corpus, formulas_for_values
from excel_fill import checklist, fill_province
from sqlalchemy import select

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.criteria import criteria
from readiness.core.models import AuditEvent, ImportFile
from readiness.intake import excel
from readiness.intake.excel import MAX_PROBLEMS, container, table
from readiness.reading import queries

# attack -> (outcome, what the first problem says; "" when read without problems)
EXPECTED = {
    "35,000 merged areas": ("rejected", "too many merged cells"),
    "1,000 merged areas over the whole sheet": ("rejected", "too many merged cells"),
    "31 MB styles part and one formula": ("rejected", "'xl/styles.xml' inflates to 29 MB"),
    "3 MB styles part and one formula": ("checked", ""),
    "300,000 repeated rows": ("rejected", "more than 337 <row> elements"),
    "200,000 conditional formats": ("rejected", "more than 2000 <conditionalFormatting> elements"),
    "200,000 data validations": ("rejected", "more than 2000 <dataValidation> elements"),
    "200,000 hyperlinks": ("rejected", "more than 2000 <hyperlink> elements"),
    "200,000 nested elements": ("rejected", "33 deep"),
    "an element with 100,000 attributes": ("rejected", "a tag longer than 65536 bytes"),
    "every value a formula without its value": ("rejected", "formula without a saved result"),
    "500,000 shared strings": ("checked", ""),
    "a 20 MB string in one cell": ("rejected", "Cell A40 holds 20000000 characters"),
    "every value of the province workbook wrong": ("rejected", "'???' is not a yes/no answer"),
}


def wrong_province() -> bytes:
    with db.session() as session:
        codes = [c.code for c in criteria(session)]
        communes = queries.communes(session, "01")["code"].tolist()
        template = excel.province_workbook(session, "01")
    return fill_province(template, "15/11/2025", {c: {code: ("???", None) for code in codes} for c in communes})


@pytest.fixture
def attacks(initialized) -> dict[str, bytes]:
    return corpus(checklist(), wrong_province())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_hostile_file_is_refused_or_read_with_a_bounded_list_of_problems(attacks, monkeypatch):
    # openpyxl is never started: formulas without a saved value are found by the container scan.
    monkeypatch.setattr(table, "openpyxl", None, raising=False)
    assert set(attacks) == set(EXPECTED)
    outcomes = excel.check_files(list(attacks.items()), OPERATOR)
    seen = {}
    for name, outcome in zip(attacks, outcomes, strict=True):
        first = outcome.problems[0].message("en") if outcome.problems else ""
        seen[name] = (str(outcome.outcome), EXPECTED[name][1] if EXPECTED[name][1] in first else first)
        assert len(outcome.problems) <= MAX_PROBLEMS
    assert seen == EXPECTED


def test_problems_past_the_first_200_are_counted_not_kept(initialized):
    (outcome,) = excel.import_files([("tong-hop.xlsx", wrong_province())], OPERATOR)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert (len(outcome.problems), outcome.problem_count) == (MAX_PROBLEMS, 126 * 16)
    assert outcome.to_dict("en")["problem_count"] == 126 * 16
    with db.session() as session:
        (archived,) = session.scalars(select(ImportFile))
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "import.rejected"))
    assert len(json.loads(archived.problems)) == MAX_PROBLEMS
    assert event.detail == "tong-hop.xlsx; 2016 problems"


def test_a_formula_without_a_saved_value_is_found_in_the_container_scan(initialized):
    problems, formulas = container.check_container("phieu.xlsx", formulas_for_values(checklist()), _limits())
    assert problems == []
    # E12:F27 (0-based rows 11-26, columns 4-5): the value and out-of cells of the 16 criteria.
    assert formulas == {"Phiếu tự đánh giá": frozenset((r, c) for r in range(11, 27) for c in (4, 5))}


def _limits():
    with db.session() as session:
        return excel.load_context(session).limits
