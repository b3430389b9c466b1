"""The leaders' PDFs: read back with pypdf (text, pages, images) and rendered with pdftoppm."""

import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import geodata
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from readiness import bootstrap
from readiness.access.permissions import OPERATOR, Actor, PermissionDenied
from readiness.cli import main
from readiness.core import db
from readiness.core.i18n import format_number, format_target
from readiness.core.models import Origin, ResultBase, Role, SubmissionCreate
from readiness.core.settings import NATIONAL
from readiness.intake import geo, submissions
from readiness.outputs import report
from readiness.outputs.views import tables as views
from readiness.reading import queries

AS_OF = date(2025, 8, 10)
LEADER = Actor("lãnh đạo", Role.LEADER)


def read(data: bytes) -> tuple[PdfReader, list[str]]:
    """The PDF and the text of each page, whitespace collapsed."""
    pdf = PdfReader(io.BytesIO(data))
    return pdf, [" ".join(page.extract_text().split()) for page in pdf.pages]


def province_pdf(as_of: date = AS_OF, lang: str = "vi", province: str = "01") -> bytes:
    with db.session() as session:
        return report.province_report(session, as_of, province, lang, actor=LEADER)


def commune_pdf(code: str, as_of: date = AS_OF, lang: str = "vi") -> bytes:
    with db.session() as session:
        return report.commune_report(session, code, as_of, lang, actor=LEADER)


def frames(as_of: date, province: str = "01"):
    with db.session() as session:
        catalog = queries.catalog(session)
        warnings = queries.warning_list(session, as_of, province)
    return catalog, warnings


def test_province_report_figures_equal_the_summary_json(demo_data, capsys):
    """On SQLite and PostgreSQL: the KPIs and every criterion's counts read back from the PDF equal
    `readiness summary --json` for the same as-of date."""
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", AS_OF.isoformat()]) == 0
    summary = json.loads(capsys.readouterr().out)
    _, pages = read(province_pdf())
    text = " ".join(pages)
    assert f"{summary['fully_green']}/{summary['communes']} xã, phường đạt đủ 16 tiêu chí" in text
    gap_table = text.split("Khoảng cách theo tiêu chí")[1]
    catalog, _ = frames(AS_OF)
    for row in catalog.itertuples():
        counts = summary["criteria"][row.code]
        target = format_target(row.kind, row.target, row.unit_vi, "vi")
        found = re.search(rf"{row.code} {re.escape(row.name_vi)} {re.escape(target)} (\d+) (\d+) (\d+) ", gap_table)
        assert found, row.code
        assert [int(n) for n in found.groups()] == [counts["green"], counts["red"], counts["grey"]]
    with db.session() as session:
        kpis = queries.kpis(session, AS_OF, "01")
    assert f"{kpis['average_green']:.1f}/16".replace(".", ",") in text
    assert f"{kpis['submissions_last_days']} báo cáo nhận trong 7 ngày qua" in text


def test_province_report_reads_in_vietnamese_with_exact_names_dates_and_numbers(demo_sqlite):
    as_of = date(2025, 10, 21)
    data = province_pdf(as_of)
    pdf, pages = read(data)
    text = " ".join(pages)
    assert unicodedata.normalize("NFC", text) == text
    assert pdf.metadata.title == "Báo cáo mức độ sẵn sàng của xã, phường – Thành phố Hà Nội"
    assert "Thành phố Hà Nội" in pages[0]
    assert "Số liệu tính đến ngày 21/10/2025" in pages[0]
    catalog, warnings = frames(as_of)
    for name in catalog["name_vi"]:
        assert name in text
    assert not warnings.empty
    for row in warnings.itertuples():
        assert f"{row.commune_code} {row.commune_name} {row.green}/16" in text
    # Generated "now", in Vietnam time.
    stamp = re.search(r"Lập lúc (\d\d/\d\d/\d{4} \d\d:\d\d) \(giờ Việt Nam\)", pages[0])
    generated = datetime.strptime(stamp.group(1), "%d/%m/%Y %H:%M").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert abs(generated - datetime.now(UTC)) < timedelta(minutes=2)
    # Thousands with a dot: the digitised-dossier gap of TC11 runs into thousands early on.
    with db.session() as session:
        gap = queries.by_criterion(queries.status(session, AS_OF, "01")).set_index("criterion_code").at["TC11", "gap"]
    assert gap >= 1000
    assert f"{int(gap):,} hồ sơ".replace(",", ".") in " ".join(read(province_pdf(AS_OF))[1])


def test_every_page_has_the_footer_with_its_number(demo_sqlite):
    _, pages = read(province_pdf(date(2025, 7, 8)))
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"Readiness · Thành phố Hà Nội · tính đến 08/07/2025 Trang {number}/{len(pages)}")


def test_a_longer_warning_list_takes_more_pages_and_repeats_its_header(demo_sqlite):
    short, long_ = date(2025, 11, 1), date(2025, 7, 8)
    _, short_warnings = frames(short)
    _, long_warnings = frames(long_)
    assert len(long_warnings) > 5 * len(short_warnings) > 0
    _, short_pages = read(province_pdf(short))
    _, long_pages = read(province_pdf(long_))
    assert len(long_pages) > len(short_pages)
    header = " ".join(views.warning_table(national=False).headers("pdf", "vi"))
    assert header == "# Mã xã Xã, phường Tiêu chí đạt Báo cáo gần nhất Lý do cảnh báo Người báo cáo"
    first = next(i for i, text in enumerate(long_pages) if "Danh sách cảnh báo tuần này" in text)
    # The tasks of the plan follow the list (readiness.outputs.report._tasks).
    last = next(i for i, text in enumerate(long_pages) if "Nhiệm vụ theo Kế hoạch" in text)
    assert first < last  # the list runs onto further pages ...
    for text in long_pages[first : last + 1]:
        assert header in text  # ... each starting with the header
    listed = re.findall(r"(?:^| )(\d+) (\d{5}) ", " ".join(long_pages[first : last + 1]).split("Nhiệm vụ theo")[0])
    assert [code for _, code in listed] == long_warnings["commune_code"].tolist()
    assert [int(n) for n, _ in listed] == list(range(1, len(long_warnings) + 1))


def test_no_warning_means_a_sentence_not_an_empty_table(demo_sqlite):
    # Everyone reported that day and the next deadline (31/08) is more than at_risk_days away.
    _, warnings = frames(date(2025, 8, 16))
    assert warnings.empty
    text = " ".join(read(province_pdf(date(2025, 8, 16)))[1])
    assert "Không có xã, phường nào trong danh sách cảnh báo." in text
    assert "Lý do cảnh báo" not in text


def test_charts_are_embedded_as_images(demo_sqlite):
    pdf, _ = read(province_pdf())
    images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 3  # the trend, timeliness by criterion and the tile map
    sizes = sorted(Image.open(io.BytesIO(image.data)).size for image in images)
    assert all(width >= 1000 for width, _ in sizes)  # rendered at scale 2: sharp on paper


def test_national_report_lists_provinces_and_maps_them(monkeypatch, tmp_path):
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path / 'national.db'}")
    monkeypatch.setenv("READINESS_PROVINCE", NATIONAL)
    db.reset_caches()
    bootstrap.init()
    with db.write_session() as session:
        submissions.save(session, [_checklist("00070", date(2025, 8, 1)), _checklist("26506", date(2025, 8, 1))])
    try:
        pdf, pages = read(province_pdf(date(2025, 8, 2), province=NATIONAL))
    finally:
        db.reset_caches()
    text = " ".join(pages)
    assert "Toàn quốc" in pages[0]
    assert "# Mã xã Xã, phường Tỉnh, thành phố Tiêu chí đạt" in text
    # The top and bottom ten provinces, as the ranking page shows them.
    ranking = text.split("Mười tỉnh, thành phố dẫn đầu")[1].split("Mười tỉnh, thành phố cuối bảng")[0]
    assert ranking.strip().startswith(" ".join(views.PROVINCE_RANKING.headers("pdf", "vi")))
    assert "Phường Hoàn Kiếm" not in text.split("Danh sách cảnh báo tuần này")[1]  # it reported: not silent yet
    # 3,319 communes never reported: all listed, over as many pages as that takes.
    listed = re.findall(r"(?:^| )([\d.]+) (\d{5}) ", text.split("Danh sách cảnh báo tuần này")[1])
    assert [rank for rank, _ in listed] == [format_number(n, "vi") for n in range(1, 3321 - 2 + 1)]
    assert len(pages) > 3319 // 60
    # Trend, timeliness by criterion, province tiles, province × criterion heatmap.
    assert sum(len(page.images) for page in pdf.pages) == 4


def _checklist(code: str, day: date, evidence: str = "") -> SubmissionCreate:
    return SubmissionCreate(
        commune_code=code,
        reporting_date=day,
        received_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
        received_from="test",
        origin=Origin.UPLOAD,
        results=[
            ResultBase(criterion_code=f"TC{i:02d}", value=1, evidence=evidence if i == 1 else "") for i in range(1, 17)
        ],
    )


def test_english_report(demo_sqlite):
    _, pages = read(province_pdf(date(2025, 10, 21), lang="en"))
    text = " ".join(pages)
    assert pages[0].startswith("RESOLUTION 57-NQ/TW · 16 READINESS CRITERIA Commune readiness report Thành phố Hà Nội")
    assert "Figures as of 21 Oct 2025" in pages[0]
    catalog, _ = frames(date(2025, 10, 21))
    for name in catalog["name_en"]:
        assert name in text
    assert "This week's warning list" in text
    assert "Trang" not in text and "Page 1/" in text


def test_empty_database_gives_a_short_report_saying_no_data_yet(initialized):
    pdf, pages = read(province_pdf(date(2025, 11, 1)))
    assert len(pages) == 1
    assert "Chưa có số liệu" in pages[0]
    assert "Chưa có xã, phường nào gửi báo cáo tính đến ngày 01/11/2025." in pages[0]
    assert not pdf.pages[0].images
    _, english = read(province_pdf(date(2025, 11, 1), lang="en"))
    assert "No data yet" in english[0]


def test_commune_report_is_one_page_with_its_criteria_status_and_evidence(demo_sqlite):
    evidence = "Quyết định số 12/QĐ-UBND ngày 01/09/2025 của UBND phường"
    with db.write_session() as session:
        # Decomposed (NFD) on the way in: the PDF must still show composed tone marks.
        submissions.save(session, [_checklist("00070", date(2025, 8, 10), unicodedata.normalize("NFD", evidence))])
    pdf, pages = read(commune_pdf("70"))
    assert len(pages) == 1
    text = pages[0]
    assert "Phường Hoàn Kiếm (00070) · Thành phố Hà Nội" in text
    assert "Đạt 14/16 tiêu chí · theo báo cáo ngày 10/08/2025"  # value 1 misses TC02 and TC04 in text
    assert evidence in text
    catalog, _ = frames(AS_OF)
    for name in catalog["name_vi"]:
        assert name in text
    assert len(pdf.pages[0].images) == 1  # its trend


def test_commune_status_words_match_the_summary(demo_sqlite, capsys):
    as_of = date(2025, 9, 20)
    capsys.readouterr()
    main(["summary", "--json", "--as-of", as_of.isoformat()])
    counts = json.loads(capsys.readouterr().out)["by_commune"]["09715"]
    _, pages = read(commune_pdf("09715", as_of))
    assert pages[0].count("Chưa đạt") == counts["red"]
    assert f"Đạt {counts['green']}/16 tiêu chí" in pages[0]
    _, english = read(commune_pdf("09715", as_of, lang="en"))
    assert english[0].count("Not met") == counts["red"]


def test_commune_without_reports_says_so(initialized):
    pdf, pages = read(commune_pdf("00070"))
    assert "Chưa có báo cáo nào tính đến ngày 10/08/2025." in pages[0]
    assert pages[0].count("Chưa báo cáo") == 16
    assert not pdf.pages[0].images


def test_unknown_commune_is_refused_with_the_code(initialized):
    with pytest.raises(ValueError, match="No commune with code 99999"):
        commune_pdf("99999")


def test_only_accounts_that_may_export_get_a_report(initialized):
    commune_staff = Actor("xa", Role.COMMUNE, "00070")
    with db.session() as session, pytest.raises(PermissionDenied):
        report.province_report(session, AS_OF, "01", "vi", actor=commune_staff)
    with db.session() as session, pytest.raises(PermissionDenied):
        report.commune_report(session, "00070", AS_OF, "vi", actor=commune_staff)
    with db.session() as session:
        assert report.province_report(session, AS_OF, "01", "vi", actor=OPERATOR).startswith(b"%PDF")


def test_page_one_renders_to_a_page_that_is_not_blank(demo_sqlite, tmp_path):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is required in CI")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(province_pdf())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    width, height = image.size
    assert 400 < width < height  # A4 portrait
    pixels = list(image.get_flattened_data())
    inked = sum(1 for p in pixels if min(p) < 200) / len(pixels)
    assert 0.02 < inked < 0.6
    assert any(p[1] > p[0] + 60 and p[1] > p[2] for p in pixels)  # the trend's green line is there


def test_cli_writes_the_report_and_accepts_a_commune_code_without_zeros(demo_sqlite, tmp_path, capsys):
    out = tmp_path / "hoan-kiem.pdf"
    assert main(["report", "--out", str(out), "--as-of", "2025-09-20", "--commune", "70", "--lang", "en"]) == 0
    assert "Wrote" in capsys.readouterr().out
    _, pages = read(out.read_bytes())
    assert "Phường Hoàn Kiếm (00070)" in pages[0] and "Figures as of 20 Sep 2025" in pages[0]
    assert main(["report", "--out", str(tmp_path / "x.pdf"), "--commune", "99999"]) == 2
    assert "No commune with code 99999" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(SystemExit):
        main(["report", "--out", str(tmp_path / "missing" / "x.pdf")])
    assert "does not exist" in capsys.readouterr().err


def test_report_figures_equal_the_separate_query_functions(demo_data):
    """The report computes the status once; its figures are those of kpis, lagging_criteria, by_criterion and
    warning_list (on SQLite and PostgreSQL)."""
    as_of = date(2025, 7, 12)
    with db.session() as session:
        figures = queries.report_figures(session, as_of, "01")
        assert figures["kpis"] == queries.kpis(session, as_of, "01")
        assert figures["lagging"].equals(queries.lagging_criteria(session, as_of, "01"))
        assert figures["criteria"].equals(queries.by_criterion(queries.status(session, as_of, "01")))
        assert figures["warnings"].equals(queries.warning_list(session, as_of, "01"))
    assert len(figures["warnings"]) > 0 and len(figures["lagging"]) == 5


def test_a_real_boundary_file_replaces_the_tile_map_with_a_map_of_the_communes(demo_sqlite):
    tile_caption = "Mỗi ô là một xã, phường"
    assert tile_caption in " ".join(read(province_pdf())[1])
    with db.write_session() as session:
        geo.load_boundaries(session, OPERATOR, geodata.feature_collection(geodata.hanoi_communes()))  # RFC 7946
    pdf, pages = read(province_pdf())
    text = " ".join(pages)
    assert "Bản đồ số tiêu chí đạt" in text and tile_caption not in text
    assert sum(len(page.images) for page in pdf.pages) == 3  # trend, timeliness, boundary map
    page = next(p for p in pdf.pages if "Bản đồ số tiêu chí đạt" in p.extract_text())
    map_image = max(page.images, key=lambda i: i.image.size[0] * i.image.size[1]).image.convert("L")
    width, height = map_image.size
    # The communes, not one solid rectangle: the frame's corners outside Hà Nội stay white, its middle is filled.
    assert map_image.getpixel((int(width * 0.02), int(height * 0.98))) > 245
    assert map_image.getpixel((int(width * 0.98), int(height * 0.2))) > 245
    middle = map_image.crop((int(width * 0.4), int(height * 0.4), int(width * 0.6), int(height * 0.6)))
    assert (np.asarray(middle) < 240).mean() > 0.9


def test_the_boundary_map_names_the_communes_it_cannot_draw(demo_sqlite):
    features = [(p, s) for p, s in geodata.hanoi_communes() if p["ma_xa"] not in ("00004", "00008")]
    with db.write_session() as session:
        geo.load_boundaries(session, OPERATOR, geodata.feature_collection(features))
    text = " ".join(read(province_pdf())[1])
    assert "2 xã, phường không có ranh giới trong tệp đã tải nên không có trên bản đồ: Phường Ba Đình, " in text
    assert "Phường Ngọc Hà." in text


def test_long_evidence_keeps_the_commune_sheet_on_one_page(demo_sqlite):
    long_text = "Biên bản kiểm tra của Sở Khoa học và Công nghệ, kèm ảnh chụp thiết bị và danh sách cán bộ. " * 4
    with db.write_session() as session:
        submissions.save(session, [_checklist_all("00070", date(2025, 8, 10), long_text)])
    pdf, pages = read(commune_pdf("00070"))
    assert len(pages) == 1 and len(pdf.pages[0].images) == 1
    assert pages[0].count("Biên bản kiểm tra của Sở Khoa học") == 16
    assert pages[0].count("…") == 16  # cut short; the Excel export carries the full text


def _checklist_all(code: str, day: date, evidence: str) -> SubmissionCreate:
    checklist = _checklist(code, day)
    for result in checklist.results:
        result.evidence = evidence
    return checklist
