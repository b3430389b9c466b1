"""Excel exports: re-opened with openpyxl and compared with the queries they come from."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from conftest import submit
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from readiness.access.permissions import OPERATOR, Actor, PermissionDenied
from readiness.cli import main
from readiness.core import db
from readiness.core.i18n import format_target, status_label
from readiness.core.models import Origin, ResultBase, Role, SubmissionCreate
from readiness.intake import review, submissions
from readiness.outputs import export
from readiness.outputs.views import palette
from readiness.outputs.views import tables as views
from readiness.reading import queries

AS_OF = date(2025, 9, 20)
LEADER = Actor("lãnh đạo", Role.LEADER)
DANGEROUS = ['=HYPERLINK("http://evil.example","bấm vào")', "+84 912 345 678", "-1+1", "@SUM(A1:A9)"]


def consolidated(as_of: date = AS_OF, lang: str = "vi"):
    with db.session() as session:
        data = export.consolidated_workbook(session, as_of, "01", lang, actor=LEADER)
    return load_workbook(io.BytesIO(data)), data


def summary_spec():
    with db.session() as session:
        return views.summary_table(queries.catalog(session))


def position(spec, key: str) -> int:
    """Where a column of `spec` sits in its Excel sheet (0-based)."""
    return spec.keys("xlsx").index(key)


def letter(spec, key: str) -> str:
    return get_column_letter(position(spec, key) + 1)


def sheet_headers(sheet, row: int, rows: int = 1) -> list[str]:
    """Each column's own header: of the lowest header row, or (merged down) of the upper one."""
    upper, lower = sheet[row], sheet[row + rows - 1]
    return [low.value if low.value is not None else up.value for up, low in zip(upper, lower, strict=True)]


@pytest.mark.parametrize(
    ("kind", "value", "out_of", "lang", "expected"),
    [
        ("yes_no", 1.0, None, "vi", "Có"),
        ("yes_no", 0.0, None, "en", "No"),
        ("number", 120.0, None, "vi", 120.0),
        ("ratio", 27.0, 30.0, "vi", 0.9),
        ("ratio", 31.0, 30.0, "vi", 1.0),  # more than all is shown as all
        ("ratio", 0.85, None, "vi", 0.85),  # a share typed as such
        ("ratio", 3.0, 0.0, "vi", None),  # out of nothing: no share
        ("number", float("nan"), None, "vi", None),
        ("yes_no", None, None, "vi", None),
    ],
)
def test_summary_value(kind, value, out_of, lang, expected):
    result = views.summary_value(kind, value, out_of, lang)
    assert result == (expected if expected is None else pytest.approx(expected))


def test_consolidated_table_equals_the_queries(demo_data):
    """On SQLite and PostgreSQL: one row per commune, a status and a value column per criterion, as queried."""
    book, _ = consolidated()
    assert book.sheetnames == ["Tổng hợp", "Chi tiết", "Xếp hạng", "Tiêu chí", "Nhiệm vụ", "Đơn vị chủ trì"]
    sheet = book["Tổng hợp"]
    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
        summary = queries.summary(session, AS_OF, "01")
        catalog = queries.catalog(session)
    spec = views.summary_table(catalog)
    assert sheet_headers(sheet, 3, rows=2) == spec.headers("xlsx", "vi")
    assert sheet["A3"].value == "Mã xã" and sheet["B3"].value == "Xã, phường"
    tc01 = letter(spec, "status_text_TC01")
    assert sheet[f"{tc01}3"].value == f"TC01 · {catalog.at[0, 'name_vi']}"
    assert (
        sheet[f"{tc01}4"].value == "Trạng thái" and sheet.cell(4, position(spec, "value_TC01") + 1).value == "Có/Không"
    )
    assert sheet.cell(4, position(spec, "value_TC02") + 1).value == "Giá trị (Mbps)"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in rows] == sorted(summary["by_commune"])
    cells = status.set_index(["commune_code", "criterion_code"])
    for r in rows:
        code = r[0]
        assert r[position(spec, "green")] == summary["by_commune"][code]["green"]
        for criterion in catalog.itertuples():
            expected = cells.loc[(code, criterion.code)]
            assert r[position(spec, f"status_text_{criterion.code}")] == status_label(expected["status"], "vi")
            value = views.summary_value(criterion.kind, expected["value"], expected["out_of"], "vi")
            shown = r[position(spec, f"value_{criterion.code}")]
            assert shown == (value if isinstance(value, str | None) else pytest.approx(value))
    details = book["Chi tiết"]
    assert sheet_headers(details, 4) == views.status_rows_table(national=False).headers("xlsx", "vi")
    assert len(list(details.iter_rows(min_row=5, values_only=True))) == len(status) == 126 * 16
    criteria = book["Tiêu chí"]
    assert sheet_headers(criteria, 4) == views.CATALOG.headers("xlsx", "vi")
    targets = [
        r[views.CATALOG.keys("xlsx").index("target_text")] for r in criteria.iter_rows(min_row=5, values_only=True)
    ]
    assert targets == [format_target(c.kind, c.target, c.unit_vi, "vi") for c in catalog.itertuples()]


def test_the_review_of_each_figure_is_in_the_summary_and_details_sheets(demo_data):
    """On SQLite and PostgreSQL: a commune whose figures come from a submission pending review says so on both
    sheets, every other commune's (approved demo data) says approved; once the DOST returns it, the commune's
    previous approved figures stand again."""

    def commune_rows(book) -> list[tuple]:
        return [r for r in book["Chi tiết"].iter_rows(min_row=5, values_only=True) if r[0] == "00070"]

    approved = commune_rows(consolidated()[0])
    submit("00070", AS_OF, {f"TC{i:02d}": 0 for i in range(1, 17)}, received=datetime(2025, 9, 20, 23, tzinfo=UTC))
    book, _ = consolidated()
    summary, spec = book["Tổng hợp"], summary_spec()
    review_column = position(spec, "review_text")
    reviews = {r[0]: r[review_column] for r in summary.iter_rows(min_row=5, values_only=True)}
    assert reviews.pop("00070") == "Chờ duyệt"
    assert set(reviews.values()) == {"Đã duyệt"}
    details_spec = views.status_rows_table(national=False)
    details = list(book["Chi tiết"].iter_rows(min_row=5, values_only=True))
    review_column = details_spec.keys("xlsx").index("review_text")
    status_column = details_spec.keys("xlsx").index("status_text")
    pending = [r for r in details if r[review_column] == "Chờ duyệt"]
    assert {r[0] for r in pending} == {"00070"} and len(pending) == 16
    assert {r[status_column] for r in pending} == {"Chưa đạt"}  # the pending figures are the ones listed
    assert {r[review_column] for r in details if r[0] != "00070"} == {"Đã duyệt"}

    with db.session() as session:
        pending_id = int(queries.commune_submissions(session, AS_OF, "00070")["id"].iloc[0])
    with db.write_session() as session:
        review.return_submission(session, OPERATOR, pending_id, "Số liệu sai")
    assert commune_rows(consolidated()[0]) == approved
    assert {r[review_column] for r in approved} == {"Đã duyệt"}


def test_workbooks_are_readable(demo_sqlite):
    book, _ = consolidated()
    sheet, spec = book["Tổng hợp"], summary_spec()
    assert sheet.freeze_panes == "C5"
    assert sheet["A3"].font.b and sheet["A3"].fill.fgColor.rgb.endswith(palette.HEADING.lstrip("#"))
    assert sheet.column_dimensions["B"].width >= 20
    tc01, value = letter(spec, "status_text_TC01"), letter(spec, "value_TC01")
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A3:A4", f"{tc01}3:{value}3"}
    assert sheet["A1"].value == "Tổng hợp mức độ sẵn sàng của xã, phường"
    assert sheet["A2"].value.startswith("Thành phố Hà Nội · số liệu tính đến ngày 20/09/2025")
    last_report = sheet[f"{letter(spec, 'reporting_date')}5"]
    assert last_report.number_format == "DD/MM/YYYY" and isinstance(last_report.value, datetime)
    first = position(spec, "status_text_TC01") + 1
    red = next(c for row in sheet.iter_rows(min_row=5, min_col=first) for c in row if c.value == "Chưa đạt")
    assert red.fill.fgColor.rgb.endswith(palette.STATUS_TINT["red"].lstrip("#"))
    assert book["Chi tiết"].freeze_panes == "C5" and book["Chi tiết"].auto_filter.ref.startswith("A4:")


def test_english_labels(demo_sqlite):
    book, _ = consolidated(lang="en")
    assert book.sheetnames == ["Summary", "Details", "Ranking", "Criteria", "Tasks", "Lead units"]
    assert book["Summary"]["B3"].value == "Commune"
    spec = summary_spec()
    statuses = [position(spec, key) for key in spec.keys("xlsx") if key.startswith("status_text_")]
    said = {book["Summary"][5][i].value for i in statuses}
    assert said and said <= {"Met", "Not met", "Not reported"}
    assert sheet_headers(book["Details"], 4) == views.status_rows_table(national=False).headers("xlsx", "en")


def test_text_that_looks_like_a_formula_stays_text(demo_sqlite):
    results = [
        ResultBase(criterion_code=f"TC{i:02d}", value=1, evidence=DANGEROUS[i % 4], note=DANGEROUS[(i + 1) % 4])
        for i in range(1, 17)
    ]
    with db.write_session() as session:
        submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code="00070",
                    reporting_date=AS_OF,
                    received_at=datetime.now(UTC),
                    received_from="test",
                    origin=Origin.UPLOAD,
                    results=results,
                )
            ],
        )
    book, data = consolidated()
    details = book["Chi tiết"]
    header = [c.value for c in details[4]]
    evidence, note = header.index("Minh chứng") + 1, header.index("Ghi chú") + 1
    found = [
        details.cell(r, c)
        for r in range(5, details.max_row + 1)
        if details.cell(r, 1).value == "00070"
        for c in (evidence, note)
    ]
    assert sorted({c.value for c in found}) == sorted(DANGEROUS)
    for cell in found:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)


def test_warning_list_workbook_equals_the_query(demo_sqlite):
    as_of = date(2025, 7, 8)
    with db.session() as session:
        warnings = queries.warning_list(session, as_of, "01")
        data = export.warning_list_workbook(session, as_of, "01", "vi", actor=LEADER)
    sheet = load_workbook(io.BytesIO(data))["Cảnh báo"]
    assert sheet.freeze_panes == "D5"
    header = [c.value for c in sheet[4]]
    assert header[:3] == ["#", "Mã xã", "Xã, phường"]
    assert header[-3:] == ["Lý do cảnh báo", "Người báo cáo", "Điện thoại"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(rows) == len(warnings) > 20
    assert [r[1] for r in rows] == warnings["commune_code"].tolist()
    assert [r[2] for r in rows] == warnings["commune_name"].tolist()
    assert [r[5] for r in rows] == warnings["green"].tolist()
    assert {r[-3] for r in rows} == {"Chưa từng báo cáo"} | {
        f"Không báo cáo {d} ngày" for d in warnings["days_since_report"].dropna().astype(int)
    }
    assert [(r[-2] or "", r[-1] or "") for r in rows] == list(
        zip(warnings["reporter_name"], warnings["reporter_phone"], strict=True)
    )


def test_ranking_sheet_equals_the_query(demo_sqlite):
    as_of = date(2025, 9, 20)
    with db.session() as session:
        ranking = queries.ranking(session, as_of, "01")
        book = load_workbook(io.BytesIO(export.consolidated_workbook(session, as_of, "01", "vi", actor=LEADER)))
    sheet = book["Xếp hạng"]
    assert sheet_headers(sheet, 4) == views.ranking_table(national=False).headers("xlsx", "vi")
    assert [c.value for c in sheet[4]][:3] == ["Hạng", "Mã xã", "Xã, phường"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[1], r[5], r[6], r[7]) for r in rows] == list(
        zip(
            ranking["rank"], ranking["commune_code"], ranking["green"], ranking["on_time"], ranking["late"], strict=True
        )
    )
    assert [r[8].date() if r[8] else None for r in rows] == ranking["last_green"].tolist()
    assert len(rows) == 126 and rows[0][0] == 1


def test_empty_database_exports_every_commune_grey(initialized):
    book, _ = consolidated()
    spec = summary_spec()
    rows = list(book["Tổng hợp"].iter_rows(min_row=5, values_only=True))
    assert len(rows) == 126
    keys = spec.keys("xlsx")
    statuses = [i for i, key in enumerate(keys) if key.startswith("status_text_")]
    values = [i for i, key in enumerate(keys) if key.startswith("value_")]
    for r in rows:
        assert r[position(spec, "green")] == 0 and r[position(spec, "review_text")] == "–"
        assert {r[i] for i in statuses} == {"Chưa báo cáo"} and {r[i] for i in values} == {None}


def test_only_accounts_that_may_export_get_a_workbook(initialized):
    commune_staff = Actor("xa", Role.COMMUNE, "00070")
    with db.session() as session:
        for workbook in (export.consolidated_workbook, export.warning_list_workbook):
            with pytest.raises(PermissionDenied):
                workbook(session, AS_OF, "01", "vi", actor=commune_staff)


def test_cli_exports_both_workbooks(demo_sqlite, tmp_path, capsys):
    out = tmp_path / "tong-hop.xlsx"
    assert main(["export", "--out", str(out), "--as-of", "2025-09-20"]) == 0
    assert load_workbook(out).sheetnames == [
        "Tổng hợp",
        "Chi tiết",
        "Xếp hạng",
        "Tiêu chí",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
    ]
    warnings = tmp_path / "canh-bao.xlsx"
    assert main(["export", "--out", str(warnings), "--as-of", "2025-07-08", "--warning-list", "--lang", "en"]) == 0
    assert load_workbook(warnings).sheetnames == ["Warnings"]
    assert "Wrote" in capsys.readouterr().out
