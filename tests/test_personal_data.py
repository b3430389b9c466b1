"""Personal data (a reporter's name and phone number) of other communes never reaches a commune account: not in a
table, drawn or not, nor in an export; officers and leaders keep seeing it. What a page sends is read from the
element protos AppTest receives, the messages a browser gets (tests/test_browser_privacy.py reads a browser's)."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from conftest import APP, account, log_in
from streamlit.testing.v1 import AppTest

from readiness.access.permissions import OPERATOR, Actor, PermissionDenied
from readiness.core import db
from readiness.core.models import Role
from readiness.outputs import export
from readiness.outputs.views import tables as views
from readiness.outputs.views.columns import Table
from readiness.reading import queries

AS_OF = date(2025, 10, 15)  # 13 communes on the demo's warning list, each with its reporter's phone
OWN = "00070"
COMMUNE = Actor("lan", Role.COMMUNE, OWN)


def _specs() -> dict[str, Table]:
    """Every table spec of readiness.outputs.views, built for both modes where a function makes it."""
    with db.session() as session:
        catalog = queries.catalog(session)
    return {
        "commune_sheet": views.COMMUNE_SHEET,
        "lagging": views.LAGGING,
        "criteria_gaps": views.CRITERIA_GAPS,
        "import_preview": views.IMPORT_PREVIEW,
        "import_problems": views.IMPORT_PROBLEMS,
        "audit_trail": views.AUDIT_TRAIL,
        "catalog": views.CATALOG,
        "province_ranking": views.PROVINCE_RANKING,
        "summary": views.summary_table(catalog),
        **{f"warning_table {n}": views.warning_table(n) for n in (False, True)},
        **{f"status_rows_table {n}": views.status_rows_table(n) for n in (False, True)},
        **{f"ranking_table {n}": views.ranking_table(n) for n in (False, True)},
    }


def _others_phones(warnings: pd.DataFrame) -> list[str]:
    others = warnings[warnings["commune_code"] != OWN]
    return [p for p in others["reporter_phone"] if p]


@pytest.fixture
def warnings(demo_data: str) -> pd.DataFrame:
    with db.session() as session:
        found = queries.warning_list(session, AS_OF, "01")
    assert len(_others_phones(found)) >= 10
    return found


def test_every_column_of_reporter_data_is_marked_personal(demo_data):
    for name, spec in _specs().items():
        for column in spec.columns:
            assert column.personal == column.key.startswith("reporter"), (name, column.key)


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (COMMUNE, False),
        (Actor("chief", Role.LEADER), True),
        (Actor("dost", Role.OFFICER), True),
        (OPERATOR, True),
        (None, False),
    ],
)
def test_a_table_for_its_viewer_keeps_personal_columns_only_for_those_who_may_see_them(
    warnings: pd.DataFrame, viewer: Actor | None, sees: bool
):
    spec = views.warning_table(False).for_viewer(viewer)
    sent = spec.frame(views.warning_list(warnings, 16, "vi", AS_OF), "page")
    # On the page the reporter's name and phone share one column (name above phone), as in the PDF.
    assert ("reporter" in sent.columns) is sees
    text = sent.to_csv()
    assert all((phone in text) is sees for phone in _others_phones(warnings))
    assert {"commune_name", "reason"} <= set(sent.columns)


def _sent(at: AppTest) -> bytes:
    """Every element the script run sent, as the bytes of its proto (tables travel as Arrow inside)."""
    found = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return b"".join(found)


def _warning_page(who: Actor) -> AppTest:
    at = log_in(AppTest.from_file(APP, default_timeout=60), who)
    at.session_state["as_of"] = AS_OF
    at.run()
    at.switch_page("pages/warnings.py").run()
    assert not at.exception
    assert at.title[0].value == "Danh sách cảnh báo"
    return at


@pytest.mark.page
def test_a_commune_account_receives_no_other_communes_phone_on_the_warning_list(warnings):
    at = _warning_page(account(Role.COMMUNE, OWN))
    table = at.dataframe[0].value
    assert len(table) == len(warnings)
    assert not any(c.startswith("reporter") for c in table.columns)
    sent = _sent(at)
    assert [p for p in _others_phones(warnings) if p.encode() in sent] == []
    names = [n for n in warnings[warnings["commune_code"] != OWN]["reporter_name"] if n]
    assert [n for n in names if n.encode() in sent] == []


@pytest.mark.page
@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER])
def test_officers_and_leaders_still_see_the_reporters(warnings, role):
    at = _warning_page(account(role))
    table = at.dataframe[0].value
    reporters = zip(warnings["reporter_name"], warnings["reporter_phone"], strict=True)
    assert list(table["reporter"]) == [f"{name}\n{phone}" for name, phone in reporters]
    sent = _sent(at)
    assert all(p.encode() in sent for p in _others_phones(warnings))


@pytest.mark.page
def test_a_commune_account_receives_no_phone_from_any_page_of_several_communes(warnings):
    """The gaps, ranking and overview pages draw frames that carry the reporters too (queries.status)."""
    phones = _others_phones(warnings)
    at = _warning_page(account(Role.COMMUNE, OWN))
    for page in ("pages/overview.py", "pages/gaps.py", "pages/ranking.py", "pages/heatmap.py", "pages/map.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        sent = _sent(at)
        assert [p for p in phones if p.encode() in sent] == [], page


def test_the_warning_list_workbook_has_the_reporters_for_officers_and_refuses_commune_accounts(warnings):
    with db.session() as session:
        book = export.warning_list_workbook(session, AS_OF, "01", "vi", actor=Actor("dost", Role.OFFICER))
        with pytest.raises(PermissionDenied):
            export.warning_list_workbook(session, AS_OF, "01", "vi", actor=COMMUNE)
    cells = {str(c) for row in openpyxl.load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True) for c in row}
    assert set(_others_phones(warnings)) <= cells
