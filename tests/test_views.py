"""readiness/views: each table is built once and the page, the PDF and the Excel sheet show that same frame."""

import io
import json
from datetime import date

import pandas as pd
import pytest
from conftest import APP, account, log_in, shown, submit
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select
from streamlit.testing.v1 import AppTest

import ui
from readiness import bootstrap
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.i18n import status_label
from readiness.core.models import Role, Submission
from readiness.core.settings import DATA_DIR
from readiness.intake import geo, review
from readiness.outputs import export, report
from readiness.outputs.views import boundaries as boundary_views
from readiness.outputs.views import changes as change_views
from readiness.outputs.views import palette
from readiness.outputs.views import tables as views
from readiness.outputs.views.columns import Table
from readiness.reading import queries

LEADER = Actor("lãnh đạo", Role.LEADER)
AS_OF = date(2025, 10, 1)  # demo data: overdue communes on the warning list, lagging criteria


@pytest.fixture(autouse=True)
def _fresh_caches():
    ui.clear_cache()


def page(path: str, as_of: date = AS_OF, commune: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.OFFICER))
    at.session_state["as_of"] = as_of
    at.run()
    at.switch_page(path)
    if commune:
        at.query_params["commune"] = commune
    at.run()
    assert not at.exception, at.exception
    return at


def on_page(frame: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """What the page shows of a view's frame: its page cells under the page's headers."""
    sent, _ = spec.page_cells(frame, "vi")
    return sent.rename(columns={c.key: c.header("vi") for c in spec.on("page")})


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def assert_rows_in_pdf(frame: pd.DataFrame, spec: Table, text: str) -> None:
    """Each row's printed cells are in the PDF text: whole, or word by word where the cell wraps in its column
    (text extraction interleaves the lines of a wrapped row's cells)."""
    assert " ".join(spec.headers("pdf", "vi")) in text
    words = set(text.split())
    for row in spec.text_rows(frame, "vi"):
        assert " ".join(row[:2]) in text  # the row's start: rank and code, or code and name
        for cell in row:
            assert set(cell.split()) <= words, cell


def excel_rows(sheet, spec: Table, first_row: int = 5) -> list[list]:
    """The sheet's values from `first_row`, dates as dates (openpyxl reads them back as datetimes)."""
    return [
        [v.date() if c.kind == "date" and v is not None else v for c, v in zip(spec.on("xlsx"), row, strict=True)]
        for row in sheet.iter_rows(min_row=first_row, values_only=True)
    ]


def excel_values(frame: pd.DataFrame, spec: Table) -> list[list]:
    """What the spec's Excel columns hold for the frame's rows."""
    return [
        [c.excel(v) for c, v in zip(spec.on("xlsx"), row, strict=True)]
        for row in frame[spec.keys("xlsx")].itertuples(index=False)
    ]


def test_warning_list_and_lagging_criteria_on_their_pages_in_the_pdf_and_in_excel(demo_sqlite):
    with db.session() as session:
        warnings = queries.warning_list(session, AS_OF, "01")
        criteria = len(queries.catalog(session))
        figures = queries.overview(session, AS_OF, "01")
        pdf = pdf_text(report.province_report(session, AS_OF, "01", "vi", actor=LEADER))
        book = load_workbook(io.BytesIO(export.warning_list_workbook(session, AS_OF, "01", "vi", actor=LEADER)))
    listed = views.warning_list(warnings, criteria, "vi", AS_OF)
    assert len(listed) > 3 and listed["reporting_date"].notna().all()
    lagging = views.lagging(figures["lagging"], figures["kpis"]["communes"], "vi")
    assert len(lagging) == 5

    at = page("pages/warnings.py")
    pd.testing.assert_frame_equal(
        shown(at.dataframe[0]), on_page(listed, views.warning_table(False)), check_dtype=False
    )
    at.switch_page("pages/overview.py").run()
    pd.testing.assert_frame_equal(shown(at.dataframe[0]), on_page(lagging, views.LAGGING), check_dtype=False)

    lagging_part, warning_part = pdf.split("Năm tiêu chí chậm nhất")[1].split("Danh sách cảnh báo tuần này")
    assert_rows_in_pdf(lagging, views.LAGGING, lagging_part)
    assert_rows_in_pdf(listed, views.warning_table(False), warning_part)

    spec = views.warning_table(national=True)
    sheet = book.active
    assert [c.value for c in sheet[4]] == spec.headers("xlsx", "vi")
    assert excel_rows(sheet, spec) == excel_values(listed, spec)


def test_commune_sheet_on_the_commune_page_and_in_its_pdf(demo_sqlite):
    with db.session() as session:
        status = queries.commune_status(session, AS_OF, "00070")
        timely = queries.timeliness(session, AS_OF, "01", "00070")
        pdf = pdf_text(report.commune_report(session, "00070", AS_OF, "vi", actor=LEADER))
    frame = views.commune_sheet(status, timely, "vi")
    assert set(frame["status"]) >= {"green", "red"}

    at = page("pages/commune.py", commune="00070")
    pd.testing.assert_frame_equal(shown(at.dataframe[0]), on_page(frame, views.COMMUNE_SHEET), check_dtype=False)
    assert_rows_in_pdf(frame, views.COMMUNE_SHEET, pdf)


def test_ranking_on_its_page_in_the_pdf_and_in_excel(demo_sqlite):
    with db.session() as session:
        ranked = views.ranking(queries.ranking(session, AS_OF, "01"), len(queries.catalog(session)), "vi")
        pdf = pdf_text(report.province_report(session, AS_OF, "01", "vi", actor=LEADER))
        book = load_workbook(io.BytesIO(export.consolidated_workbook(session, AS_OF, "01", "vi", actor=LEADER)))
    spec = views.ranking_table(national=False)

    at = page("pages/ranking.py")
    pd.testing.assert_frame_equal(shown(at.dataframe[0]), on_page(ranked, spec), check_dtype=False)

    ranking_part = pdf.split("Xếp hạng", 1)[1].split("Bản đồ số tiêu chí đạt")[0]
    top, bottom = ranking_part.split("Mười xã, phường cuối bảng")
    assert_rows_in_pdf(ranked.head(10), spec, top)
    assert_rows_in_pdf(ranked.tail(10), spec, bottom)

    sheet = book["Xếp hạng"]
    assert [c.value for c in sheet[4]] == spec.headers("xlsx", "vi")
    assert excel_rows(sheet, spec) == excel_values(ranked, spec)


def test_figures_of_one_criterion_on_the_gaps_page_are_those_of_the_details_sheet(demo_sqlite):
    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
        book = load_workbook(io.BytesIO(export.consolidated_workbook(session, AS_OF, "01", "vi", actor=LEADER)))
    lagging = views.status_rows(queries.lagging_communes(status, "TC16"), "vi")
    assert len(lagging) > 3
    spec = views.status_rows_table(national=False)

    at = page("pages/gaps.py")
    at.selectbox(key="gap_criterion").select("TC16").run()
    pd.testing.assert_frame_equal(shown(at.dataframe[0]), on_page(lagging, spec), check_dtype=False)

    sheet = book["Chi tiết"]
    assert [c.value for c in sheet[4]] == spec.headers("xlsx", "vi")
    details = {(row[0], row[2]): row for row in excel_rows(sheet, spec)}
    assert [details[(code, "TC16")] for code in lagging["commune_code"]] == excel_values(lagging, spec)


def test_one_status_palette_in_charts_pdf_tables_and_excel(demo_sqlite):
    from readiness.outputs import charts

    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
        book = load_workbook(io.BytesIO(export.consolidated_workbook(session, AS_OF, "01", "vi", actor=LEADER)))
    scale = charts.heatmap_chart(status[status["commune_code"] == "00070"], "vi").to_dict()["layer"][0]["encoding"]
    assert scale["color"]["scale"]["range"] == list(palette.STATUS.values())
    fills = {
        c.value: c.fill.fgColor.rgb[-6:]
        for row in book["Chi tiết"].iter_rows(min_row=5, min_col=5, max_col=5)
        for c in row
    }
    assert fills == {status_label(s, "vi"): palette.STATUS_TINT[s].lstrip("#") for s in set(status["status"])}


def fifteen_criteria(tmp_path, monkeypatch) -> None:
    """The database initialised with the catalog less its last criterion."""
    text = (DATA_DIR / "criteria.toml").read_text(encoding="utf-8")
    fifteen = tmp_path / "criteria.toml"
    fifteen.write_text(text[: text.rindex("[[criterion]]")], encoding="utf-8")
    monkeypatch.setenv("READINESS_CATALOG_PATH", str(fifteen))
    bootstrap.init()


def test_the_catalog_size_not_16_heads_the_report_and_the_criteria_sheet(database, tmp_path, monkeypatch):
    fifteen_criteria(tmp_path, monkeypatch)
    with db.session() as session:
        pdf = pdf_text(report.province_report(session, AS_OF, "01", "vi", actor=LEADER))
        book = load_workbook(io.BytesIO(export.consolidated_workbook(session, AS_OF, "01", "vi", actor=LEADER)))
    assert pdf.startswith("NGHỊ QUYẾT 57-NQ/TW · 15 TIÊU CHÍ SẴN SÀNG")
    assert book["Tiêu chí"]["A1"].value == "Danh mục 15 tiêu chí"


def test_criteria_met_are_out_of_the_catalogs_number_in_the_ranking_and_the_warning_list(
    database, tmp_path, monkeypatch
):
    fifteen_criteria(tmp_path, monkeypatch)
    submit("00070", date(2025, 9, 15), {"TC01": 1, "TC05": 1})
    with db.session() as session:
        criteria = len(queries.catalog(session))
        ranked = views.ranking(queries.ranking(session, AS_OF, "01"), criteria, "vi")
        listed = views.warning_list(queries.warning_list(session, AS_OF, "01"), criteria, "vi", AS_OF)
        pdf = pdf_text(report.province_report(session, AS_OF, "01", "vi", actor=LEADER))
    assert criteria == 15
    for frame in (ranked, listed):
        met = frame.set_index("commune_code")["green_text"]
        assert met["00070"] == "2/15"
        assert set(met.drop("00070")) == {"0/15"}

    at = page("pages/ranking.py")
    assert set(shown(at.dataframe[0])["Tiêu chí đạt"]) == {"2/15", "0/15"}
    at.switch_page("pages/warnings.py").run()
    assert set(shown(at.dataframe[0])["Tiêu chí đạt"]) == {"2/15", "0/15"}

    ranking_part = pdf.split("Xếp hạng", 1)[1].split("Bản đồ số tiêu chí đạt")[0]
    warning_part = pdf.split("Danh sách cảnh báo tuần này")[1]
    assert "2/15" in ranking_part and "0/15" in ranking_part and "/16" not in ranking_part
    assert "0/15" in warning_part and "/16" not in warning_part


def test_what_a_submission_changes_on_the_review_page_is_the_view(initialized):
    submit("00070", date(2025, 9, 8), {"TC01": 0, "TC02": 50})
    submit("00070", date(2025, 9, 15), {"TC01": 1, "TC02": 80, "TC05": 0})
    officer = account(Role.OFFICER)
    with db.session() as session:
        ids = session.exec(select(Submission.id).order_by(Submission.id)).all()
        changes = review.changes_of(session, officer, ids)
    first, second = (change_views.review_changes(changes[i], "vi") for i in ids)
    assert second["change_text"].tolist()[:3] == ["Mới đạt", "Đổi giá trị", "Đổi giá trị"]
    assert second["criterion_code"].tolist()[:3] == ["TC01", "TC02", "TC05"]
    assert second.at[0, "status_text"] == "Chưa đạt → Đạt"
    assert (second.at[0, "before"], second.at[0, "after"]) == ("Không", "Có")
    assert set(second["change_text"][3:]) == {""} and len(second) == 16
    assert change_views.review_sentence(changes[ids[1]], "vi") == (
        f"**So với báo cáo được tính trước đó** ({ids[0]}): 1 tiêu chí mới đạt, 0 không còn đạt, 2 đổi giá trị."
    )
    assert change_views.review_sentence(changes[ids[0]], "en").startswith(
        "**Against the previously counting submission** (none): "
    )

    at = page("pages/review.py")
    spec = change_views.REVIEW_CHANGES
    for element, frame in zip(at.dataframe, (first, second), strict=True):
        pd.testing.assert_frame_equal(shown(element), on_page(frame, spec), check_dtype=False)
    sentences = [change_views.review_sentence(changes[i], "vi") for i in ids]
    assert [m.value for m in at.markdown if m.value.startswith("**So với")] == sentences


def _square(x: float, **properties: str) -> dict:
    ring = [[105.8 + x, 21.0], [105.81 + x, 21.0], [105.81 + x, 21.01], [105.8 + x, 21.01], [105.8 + x, 21.0]]
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_what_a_boundary_file_matched_on_the_boundaries_and_map_pages_is_the_view(initialized):
    features = [
        _square(0, ma_xa="00070", ten_xa="Phường Hoàn Kiếm"),
        _square(0.02, ma_xa="00004", ten_xa="Phường Ngọc Hà"),  # Ba Đình's code, Ngọc Hà's name
        _square(0.04, ma_xa="00226", ten_xa="Phường Giáp Bát"),  # Kim Liên's code, a name gone since 2025
        _square(0.06, ten_xa="Xã Không Có Thật"),
        {"type": "Feature", "properties": {"ma_xa": "00008"}, "geometry": None},
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    with db.write_session() as session:
        geo.load_boundaries(session, OPERATOR, content)
    with db.session() as session:
        loaded = geo.status(session, "01")
    conflicts = boundary_views.conflicts(loaded)
    assert conflicts["feature_code"].tolist() == ["00004", "00226"]
    assert conflicts["matched_to"].tolist() == ["00008", None]
    assert boundary_views.unmatched_features(loaded)["feature"].tolist() == loaded.unmatched_features != []
    assert boundary_views.notes(loaded, "en")["feature"].tolist() == ["#5 (00008): has no geometry (left out)"]
    missing = boundary_views.without_boundary_table(geo.Level.COMMUNE)
    assert missing.headers("page", "vi") == ["Mã", "Xã, phường"]
    assert boundary_views.without_boundary_table("province").headers("page", "en") == ["Code", "Province"]

    submit("00070", date(2025, 9, 15), {"TC01": 1})  # the map page draws once there are figures
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.ADMIN))
    at.run()
    at.switch_page("pages/boundaries.py").run()
    assert not at.exception
    tables = [shown(d) for d in at.dataframe]
    expected = [
        on_page(boundary_views.unmatched_features(loaded), boundary_views.FEATURES),
        on_page(conflicts, boundary_views.CONFLICTS),
        on_page(loaded.without_boundary, missing),
        on_page(boundary_views.notes(loaded, "vi"), boundary_views.FEATURES),
    ]
    for table, view in zip(tables, expected, strict=True):
        pd.testing.assert_frame_equal(table, view, check_dtype=False)
    assert tables[1]["Đã ghép với"].tolist() == ["00008", "–"]

    at.switch_page("pages/map.py").run()
    assert not at.exception
    pd.testing.assert_frame_equal(shown(at.dataframe[0]), on_page(loaded.without_boundary, missing), check_dtype=False)
