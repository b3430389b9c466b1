"""Excel exports: re-opened with openpyxl and compared with the queries they come from."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from readiness import db, export, queries, submissions
from readiness.auth import Actor, PermissionDenied
from readiness.cli import main
from readiness.i18n import status_label
from readiness.models import Origin, ResultBase, Role, SubmissionCreate
from readiness.views import palette

AS_OF = date(2025, 9, 20)
LEADER = Actor("lãnh đạo", Role.LEADER)
DANGEROUS = ['=HYPERLINK("http://evil.example","bấm vào")', "+84 912 345 678", "-1+1", "@SUM(A1:A9)"]


def consolidated(as_of: date = AS_OF, lang: str = "vi"):
    with db.session() as session:
        data = export.consolidated_workbook(session, as_of, "01", lang, actor=LEADER)
    return load_workbook(io.BytesIO(data)), data


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
def test_cell_value(kind, value, out_of, lang, expected):
    assert export.cell_value(kind, value, out_of, lang) == (expected if expected is None else pytest.approx(expected))


def test_consolidated_table_equals_the_queries(demo_data):
    """On SQLite and PostgreSQL: one row per commune, a status and a value column per criterion, as queried."""
    book, _ = consolidated()
    assert book.sheetnames == ["Tổng hợp", "Chi tiết", "Xếp hạng", "Tiêu chí"]
    sheet = book["Tổng hợp"]
    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
        summary = queries.summary(session, AS_OF, "01")
        catalog = queries.catalog(session)
    assert sheet["A3"].value == "Mã xã" and sheet["B3"].value == "Xã, phường"
    assert sheet["G3"].value == f"TC01 · {catalog.at[0, 'name_vi']}"
    assert (sheet["G4"].value, sheet["H4"].value) == ("Trạng thái", "Có/Không")
    assert sheet["J4"].value == "Giá trị (Mbps)"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in rows] == sorted(summary["by_commune"])
    cells = status.set_index(["commune_code", "criterion_code"])
    for r in rows:
        code = r[0]
        assert r[5] == summary["by_commune"][code]["green"]
        for i, criterion in enumerate(catalog.itertuples()):
            expected = cells.loc[(code, criterion.code)]
            assert r[6 + 2 * i] == status_label(expected["status"], "vi")
            value = export.cell_value(criterion.kind, expected["value"], expected["out_of"], "vi")
            assert r[7 + 2 * i] == (value if isinstance(value, str | None) else pytest.approx(value))
    details = list(book["Chi tiết"].iter_rows(min_row=5, values_only=True))
    assert len(details) == len(status) == 126 * 16
    assert book["Tiêu chí"].max_row == 4 + len(catalog)


def test_workbooks_are_readable(demo_sqlite):
    book, _ = consolidated()
    sheet = book["Tổng hợp"]
    assert sheet.freeze_panes == "C5"
    assert sheet["A3"].font.b and sheet["A3"].fill.fgColor.rgb.endswith(palette.HEADING.lstrip("#"))
    assert sheet.column_dimensions["B"].width >= 20
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A3:A4", "G3:H3"}
    assert sheet["A1"].value == "Tổng hợp mức độ sẵn sàng của xã, phường"
    assert sheet["A2"].value.startswith("Thành phố Hà Nội · số liệu tính đến ngày 20/09/2025")
    assert sheet["E5"].number_format == "DD/MM/YYYY" and isinstance(sheet["E5"].value, datetime)
    red = next(c for row in sheet.iter_rows(min_row=5, min_col=7) for c in row if c.value == "Chưa đạt")
    assert red.fill.fgColor.rgb.endswith(palette.STATUS_TINT["red"].lstrip("#"))
    assert book["Chi tiết"].freeze_panes == "C5" and book["Chi tiết"].auto_filter.ref.startswith("A4:")


def test_english_labels(demo_sqlite):
    book, _ = consolidated(lang="en")
    assert book.sheetnames == ["Summary", "Details", "Ranking", "Criteria"]
    assert book["Summary"]["B3"].value == "Commune"
    assert {c.value for c in book["Summary"][5][6::2]} <= {"Met", "Not met", "Not reported"}


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


def test_put_writes_every_risky_start_as_text_and_keeps_numbers():
    sheet = Workbook().active
    for row, text in enumerate(DANGEROUS, start=1):
        export.put(sheet, row, 1, text)
    export.put(sheet, 5, 1, -3.5)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    reloaded = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [reloaded.cell(r, 1).value for r in range(1, 5)] == DANGEROUS
    assert all(reloaded.cell(r, 1).data_type == "s" and reloaded.cell(r, 1).quotePrefix for r in range(1, 5))
    assert reloaded["A5"].value == -3.5 and reloaded["A5"].data_type == "n"


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
    rows = list(book["Tổng hợp"].iter_rows(min_row=5, values_only=True))
    assert len(rows) == 126
    assert all(r[5] == 0 and set(r[6::2]) == {"Chưa báo cáo"} and set(r[7::2]) == {None} for r in rows)


def test_only_accounts_that_may_export_get_a_workbook(initialized):
    commune_staff = Actor("xa", Role.COMMUNE, "00070")
    with db.session() as session:
        for workbook in (export.consolidated_workbook, export.warning_list_workbook):
            with pytest.raises(PermissionDenied):
                workbook(session, AS_OF, "01", "vi", actor=commune_staff)


def test_cli_exports_both_workbooks(demo_sqlite, tmp_path, capsys):
    out = tmp_path / "tong-hop.xlsx"
    assert main(["export", "--out", str(out), "--as-of", "2025-09-20"]) == 0
    assert load_workbook(out).sheetnames == ["Tổng hợp", "Chi tiết", "Xếp hạng", "Tiêu chí"]
    warnings = tmp_path / "canh-bao.xlsx"
    assert main(["export", "--out", str(warnings), "--as-of", "2025-07-08", "--warning-list", "--lang", "en"]) == 0
    assert load_workbook(warnings).sheetnames == ["Warnings"]
    assert "Wrote" in capsys.readouterr().out
