"""The official report (Nghị định 30/2020/NĐ-CP, Phụ lục I) read back from the PDF (pypdf) and the .docx
(python-docx): header blocks, the date line, and figures equal to `readiness summary --json`."""

import io
import json
import re
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Length
from PIL import Image
from pypdf import PdfReader

from readiness import cli
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.i18n import format_number
from readiness.outputs import official
from readiness.outputs.views import tables as views
from readiness.outputs.views import tasks as task_views
from readiness.reading import queries
from readiness.reading import tasks as register

AS_OF = date(2025, 10, 15)
ISSUED = date(2026, 1, 5)
HEADER_LINES = [
    "UBND THÀNH PHỐ HÀ NỘI",
    "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "Số: 12/BC-SKHCN",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Hà Nội, ngày 05 tháng 01 năm 2026",
    "BÁO CÁO",
    "Kính gửi: Ủy ban nhân dân Thành phố Hà Nội.",
]


def _summary(capsys: pytest.CaptureFixture[str]) -> dict:
    assert cli.main(["summary", "--json", "--as-of", AS_OF.isoformat()]) == 0
    return json.loads(capsys.readouterr().out)


def _report(fmt: str) -> bytes:
    details = official.Details.from_settings("01", number="12")
    with db.session() as session:
        return official.official_report(session, AS_OF, "01", fmt, details, actor=OPERATOR, issued=ISSUED)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _expected_sentences(summary: dict, timely: dict) -> list[str]:
    criteria = summary["criteria"].values()
    green, red, grey = (format_number(sum(c[s] for c in criteria), "vi") for s in ("green", "red", "grey"))
    n, k = summary["communes"], len(summary["criteria"])
    on_time, late, in_progress, overdue = (
        format_number(timely[key], "vi") for key in ("on_time", "late", "in_progress", "overdue")
    )
    return [
        f"Có {summary['fully_green']}/{n} xã, phường đạt đủ {k}/{k} tiêu chí",
        f"Trong tổng số {format_number(n * k, 'vi')} lượt tiêu chí của các xã, phường: {green} lượt đạt, {red} lượt "
        f"chưa đạt và {grey} lượt chưa có báo cáo",
        f"{on_time} lượt đạt đúng hạn, {late} lượt đạt nhưng trễ hạn, {in_progress} lượt đang thực hiện (chưa đến "
        f"hạn) và {overdue} lượt đã quá hạn",
    ]


def test_pdf_reads_back_with_header_date_and_summary_figures(demo_sqlite, capsys, tmp_path: Path) -> None:
    summary = _summary(capsys)
    timely = summary["timeliness"]
    data = _report(official.PDF)
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    text = _flat("\n".join(pages))
    assert unicodedata.is_normalized("NFC", text)
    for line in HEADER_LINES:
        assert line in text, line
    for sentence in _expected_sentences(summary, timely):
        assert sentence in text, sentence
    for line in [
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, VP.",
        "GIÁM ĐỐC",
        "[Họ và tên người ký]",
        "ĐỀ XUẤT, KIẾN NGHỊ",
    ]:
        assert line in text, line
    assert all(f"Phụ lục {n}" in text for n in ("I", "II", "III"))
    assert "(Kèm theo Báo cáo số 12/BC-SKHCN ngày 05/01/2026 của Sở Khoa học và Công nghệ)" in text
    # A4, page numbers from page 2 only, centred at the top.
    assert [round(float(v) / 72 * 25.4) for v in reader.pages[0].mediabox[2:]] == [210, 297]
    assert not pages[0].lstrip().startswith("1")
    assert all(page.lstrip().startswith(str(i)) for i, page in enumerate(pages[1:], start=2))
    fonts = {f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert all("NotoSerif" in str(font) for font in fonts)
    # The first page renders, and is not blank.
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p-*.png")
    gray = Image.open(png).convert("L")
    ink = sum(gray.histogram()[:128]) / (gray.width * gray.height)
    assert ink > 0.02


def test_docx_reads_back_with_times_new_roman_and_the_same_figures(demo_sqlite, capsys) -> None:
    summary = _summary(capsys)
    timely = summary["timeliness"]
    document = docx.Document(io.BytesIO(_report(official.DOCX)))
    header, *_ = document.tables
    header_text = [p.text for row in header.rows for cell in row.cells for p in cell.paragraphs if p.text]
    assert header_text == [
        "UBND THÀNH PHỐ HÀ NỘI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-SKHCN",
        "Hà Nội, ngày 05 tháng 01 năm 2026",
    ]
    assert header.cell(1, 1).paragraphs[0].runs[0].italic
    assert header.cell(0, 0).paragraphs[1].runs[0].bold
    text = _flat("\n".join(p.text for p in document.paragraphs))
    assert unicodedata.is_normalized("NFC", text)
    for line in HEADER_LINES[6:]:
        assert line in text
    for sentence in _expected_sentences(summary, timely):
        assert sentence in text, sentence
    # Annex I: per criterion, the same counts as `summary --json`.
    criteria = next(t for t in document.tables if len(t.columns) > 1 and t.rows[0].cells[1].text == "Tiêu chí")
    assert [c.text for c in criteria.rows[0].cells][3:6] == ["Đạt", "Chưa đạt", "Chưa báo cáo"]
    for row in criteria.rows[1:]:
        code = row.cells[1].text.split(" – ")[0]
        assert [int(c.text.replace(".", "")) for c in row.cells[3:6]] == list(summary["criteria"][code].values())
    assert len(criteria.rows) == 1 + len(summary["criteria"])
    totals = [sum(int(row.cells[i].text.replace(".", "")) for row in criteria.rows[1:]) for i in range(6, 10)]
    assert totals == [timely[k] for k in ("on_time", "late", "in_progress", "overdue")]
    # Annex III: the top and bottom ten of the ranking, with green counts as `summary --json`.
    # Annex II and III: the tables of the leaders' PDF (readiness.outputs.views), headers and all.
    headers = views.ranking_table(national=False).headers("pdf", "vi")
    ranking = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == headers)
    warnings = views.warning_table(national=False).headers("pdf", "vi")
    assert any([c.text for c in t.rows[0].cells] == warnings for t in document.tables)
    with db.session() as session:
        ranked = queries.ranking(session, AS_OF, "01")
    expected = [*ranked["commune_code"].head(10), *ranked["commune_code"].tail(10)]
    shown = [row.cells[headers.index("Mã xã")].text for row in ranking.rows[1:]]
    assert shown == expected
    for row, code in zip(ranking.rows[1:], shown, strict=True):
        green = row.cells[headers.index("Tiêu chí đạt")].text
        assert green == f"{summary['by_commune'][code]['green']}/{len(summary['criteria'])}"
    # Times New Roman in every script slot, A4 with the decree's margins, page numbers from page 2.
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(slot)) for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    section = document.sections[0]
    assert [round(v.mm) for v in (section.page_width, section.page_height)] == [210, 297]
    assert [round(v.mm) for v in (section.top_margin, section.bottom_margin, section.left_margin)] == [20, 20, 30]
    assert round(section.right_margin.mm) == 15
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml
    placeholder = next(p for p in document.paragraphs if p.text.startswith("[Phần đề xuất"))
    assert placeholder.runs[0].font.highlight_color is not None


def test_cli_writes_both_formats_and_refuses_others(demo_sqlite, tmp_path: Path, capsys) -> None:
    for suffix, magic in ((".pdf", b"%PDF"), (".docx", b"PK")):
        out = tmp_path / f"bc{suffix}"
        argv = ["report", "--official", "--out", str(out), "--as-of", AS_OF.isoformat(), "--number", "7"]
        assert cli.main(argv) == 0
        assert out.read_bytes().startswith(magic)
    assert "Số: 7/BC-SKHCN" in _flat(PdfReader(tmp_path / "bc.pdf").pages[0].extract_text())
    assert cli.main(["report", "--official", "--out", str(tmp_path / "bc.odt")]) == 2
    assert "--official needs --out FILE.pdf or .docx" in capsys.readouterr().err
    assert cli.main(["report", "--number", "7", "--out", str(tmp_path / "x.pdf")]) == 2


def test_settings_name_the_issuer_and_signer(demo_sqlite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_REPORT_SIGNER_TITLE", "KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC")
    monkeypatch.setenv("READINESS_REPORT_SIGNER_NAME", "Nguyễn Văn A")
    monkeypatch.setenv("READINESS_REPORT_ADDRESSEE", "Thường trực Thành ủy Hà Nội")
    db.reset_caches()
    text = _flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(_report(official.PDF))).pages))
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    assert "Nguyễn Văn A" in text
    assert "Kính gửi: Thường trực Thành ủy Hà Nội." in text
    assert "Số: 12/BC-SKHCN" in text


def test_a_province_with_no_report_yet_gets_a_report_that_says_so(initialized) -> None:
    details = official.Details.from_settings("01")
    with db.session() as session:
        pdf = official.official_report(session, AS_OF, "01", official.PDF, details, actor=OPERATOR)
        word = official.official_report(session, AS_OF, "01", official.DOCX, details, actor=OPERATOR)
    text = _flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    said = "0/126 xã, phường đã gửi phiếu tự đánh giá; 126 xã, phường chưa gửi báo cáo nào"
    assert said in text
    assert "Số: …/BC-SKHCN" in text
    assert said in _flat("\n".join(p.text for p in docx.Document(io.BytesIO(word)).paragraphs))


# What the report states is true at any issue date -------------------------------------------------------------------

LATE_ISSUE = date(2026, 12, 8)


def _content(issued: date = LATE_ISSUE) -> official.Document:
    with db.session() as session:
        return official.build(session, AS_OF, "01", official.Details.from_settings("01"), issued=issued)


def _words(document: official.Document) -> str:
    annex_rows = [cell for annex in document.annexes if annex.table for row in annex.table.rows for cell in row]
    return _flat("\n".join([*(p.text for p in document.body), *(a.note for a in document.annexes), *annex_rows]))


def test_the_period_is_worded_from_the_as_of_date_not_from_the_issue_date(demo_sqlite) -> None:
    text = _words(_content())
    # 15/10/2025 is a Wednesday: its week runs from Monday 13/10 to Sunday 19/10.
    assert "Tính đến ngày 15/10/2025 (tuần từ 13/10/2025 đến 19/10/2025), có 12 xã, phường trong danh sách" in text
    assert "Tuần từ 13/10/2025 đến 19/10/2025" in _flat(_content().annexes[1].note)
    # Deadlines and the last report are dated, not counted from a "today" the reader cannot know.
    assert "hạn ngày 15/10/2025" in text
    for relative in ("tuần này", "hôm nay", "gần nhất còn", "ngày gần nhất"):
        assert relative not in text.lower(), relative


def test_the_report_says_the_warning_list_was_not_sent_when_no_delivery_is_recorded(demo_sqlite) -> None:
    text = _words(_content())
    assert "Danh sách cảnh báo chưa được gửi tới các xã, phường có tên." in text
    assert "đã được gửi" not in text


def test_the_report_counts_the_communes_the_list_was_sent_to_that_week(demo_data) -> None:
    from readiness.core.models import WarningDelivery
    from readiness.outputs import mail

    with db.session() as session:
        listed = list(queries.warning_list(session, AS_OF, "01")["commune_code"])
    week, now = mail.week_of(AS_OF), datetime(2025, 10, 15, 9, tzinfo=UTC)

    def delivery(code: str, status: str = mail.SENT, on: date = week) -> WarningDelivery:
        return WarningDelivery(week=on, recipient=f"{code}@xa.example", scope=code, status=status, updated_at=now)

    with db.write_session() as session:
        session.add_all([delivery(listed[0]), delivery(listed[1])])
        # Neither a failed delivery, nor one of another week, nor the DOST's whole list counts as a commune told.
        session.add_all(
            [
                delivery(listed[2], status=mail.FAILED),
                delivery(listed[3], on=date(2025, 10, 6)),
                WarningDelivery(
                    week=week,
                    recipient="sokhcn@ha-noi.example",
                    scope=mail.WHOLE_LIST,
                    status=mail.SENT,
                    updated_at=now,
                ),
            ]
        )
    text = _words(_content())
    assert f"Danh sách cảnh báo đã được gửi qua thư điện tử tới 2/{len(listed)} xã, phường có tên" in text
    assert "chưa được gửi" not in text


def test_a_dated_warning_reason_names_dates_where_the_page_counts_days() -> None:
    from types import SimpleNamespace

    from readiness.outputs.views.wording import warning_reason

    row = SimpleNamespace(
        overdue_count=0,
        at_risk_count=1,
        at_risk_criteria="TC02",
        days_to_deadline=10,
        stale=True,
        days_since_report=30,
    )
    assert warning_reason(row, "vi", AS_OF) == (
        "1 tiêu chí chưa đạt sắp đến hạn (TC02), hạn gần nhất ngày 25/10/2025; báo cáo lần cuối ngày 15/09/2025"
    )
    assert warning_reason(row, "en", AS_OF) == (
        "1 not met and due soon (TC02), nearest due on 25 Oct 2025; last report on 15 Sep 2025"
    )
    assert warning_reason(row, "vi") == (
        "1 tiêu chí chưa đạt sắp đến hạn (TC02), hạn gần nhất còn 10 ngày; không báo cáo 30 ngày"
    )


# The signature block and Word's tables -----------------------------------------------------------------------------

SIGNATURE_ROOM_MM = 25


def test_the_signature_block_leaves_room_for_signature_and_seal_and_no_form_hint(demo_sqlite) -> None:
    reader = PdfReader(io.BytesIO(_report(official.PDF)))
    found: dict[str, float] = {}

    def visit(text: str, cm: list, tm: list, font: dict, size: float) -> None:
        for line in ("GIÁM ĐỐC", "[Họ và tên người ký]"):
            if text.strip() == line:
                found[line] = tm[5] / 72 * 25.4

    closing = next(page for page in reader.pages if "Nơi nhận" in page.extract_text())
    closing.extract_text(visitor_text=visit)
    assert found["GIÁM ĐỐC"] - found["[Họ và tên người ký]"] >= SIGNATURE_ROOM_MM
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    word = docx.Document(io.BytesIO(_report(official.DOCX)))
    signature = word.tables[1].cell(0, 1)
    assert [p.text for p in signature.paragraphs] == ["GIÁM ĐỐC", "[Họ và tên người ký]"]
    title, name = (p.paragraph_format for p in signature.paragraphs)
    assert Length((title.space_after or 0) + (name.space_before or 0)).mm >= SIGNATURE_ROOM_MM
    for said in (text, _flat(word.element.xml)):
        assert "Ký, ghi rõ" not in said


def test_word_table_rows_never_split_across_pages_and_heading_rows_repeat(demo_sqlite) -> None:
    word = docx.Document(io.BytesIO(_report(official.DOCX)))
    annex_tables = word.tables[2:]
    # I criteria, II warnings, III ranking, IV overdue tasks.
    assert len(annex_tables) == 4
    for table in [*word.tables[:2], *annex_tables]:
        for row in table._tbl.tr_lst:
            assert row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None
    for table in annex_tables:
        first, *others = table._tbl.tr_lst
        assert first.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        assert all(row.trPr.find(qn("w:tblHeader")) is None for row in others)


# Charts on paper ----------------------------------------------------------------------------------------------------


def _values(spec: object, suffix: str) -> list:
    """Every value in a Vega-Lite spec under a key ending with `suffix` (case-insensitive)."""
    if isinstance(spec, dict):
        found = [v for k, v in spec.items() if k.lower().endswith(suffix.lower()) and not isinstance(v, dict)]
        return found + [x for v in spec.values() for x in _values(v, suffix)]
    if isinstance(spec, list):
        return [x for v in spec for x in _values(v, suffix)]
    return []


def test_printed_charts_are_in_the_serif_face_with_labels_of_at_least_9_pt_and_none_cut(demo_sqlite) -> None:
    from readiness.outputs import charts
    from readiness.outputs.official import layout

    figures = [figure for annex in _content().annexes for figure in annex.figures]
    assert len(figures) == 2
    for figure in figures:
        spec = charts.vega_lite(layout.printed(figure.chart, figure.height[1]))
        assert spec["config"]["font"] == "Noto Serif"
        # One Vega pixel to one point: drawn the text's width wide, the image is placed the text's width wide.
        assert spec["width"] * 25.4 / 72 == pytest.approx(layout.TEXT_WIDTH, abs=0.2)
        assert spec["autosize"] == {"type": "fit", "contains": "padding"}
        sizes = _values(spec, "fontsize")
        assert sizes and min(sizes) >= 9
        assert spec["config"]["axis"]["labelFontSize"] >= 9 and spec["config"]["legend"]["labelFontSize"] >= 9
        # No label shortened with "…".
        assert set(_values(spec, "labellimit")) == {0}
    timeliness = charts.vega_lite(figures[0].chart)
    labels = timeliness["datasets"][next(iter(timeliness["datasets"]))]["criterion"]
    assert all(len(line) <= 44 for label in labels for line in label.split("\n"))
    assert any("\n" in label for label in labels)


def test_date_axes_show_the_year_once_they_span_more_than_twelve_months() -> None:
    import pandas as pd

    from readiness.outputs import charts

    def formats(weeks: int) -> set[str]:
        dates = pd.date_range("2025-01-06", periods=weeks, freq="7D").date
        trend = pd.DataFrame({"date": dates, "fully_green_share": 0.5, "average_green": 8.0, "green": 8})
        specs = [charts.vega_lite(charts.trend_chart(trend, "vi", 16))]
        specs.append(charts.vega_lite(charts.commune_trend_chart(trend, "vi", 16)))
        # Not the share axis's "%".
        return {fmt for spec in specs for fmt in _values(spec, "format") if fmt != "%"}

    assert formats(20) == {"%d/%m"}
    assert formats(60) == {"%m/%Y"}


def test_no_page_of_the_official_pdf_is_two_thirds_empty(demo_sqlite, tmp_path: Path) -> None:
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(_report(official.PDF))
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 6
    for png in pages:
        gray = Image.open(png).convert("L")
        # Below the page number (top 17 mm), down to the bottom margin.
        top, bottom = round(gray.height * 17 / 297), round(gray.height * 277 / 297)
        ink = gray.crop((0, top, gray.width, bottom)).point(lambda v: 255 if v < 128 else 0).getbbox()
        assert ink[3] / (bottom - top) > 1 / 3, png.name


# Fonts made at `readiness init` -------------------------------------------------------------------------------------


def test_readiness_init_makes_the_report_fonts_so_that_no_report_waits_for_them(
    database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from fontTools.varLib import instancer

    from readiness.outputs import fonts

    monkeypatch.setenv("READINESS_CACHE_DIR", str(tmp_path / "cache"))
    # One style of the four: making each costs seconds of CPU, and they are made alike.
    monkeypatch.setattr(fonts, "_INSTANCES", {"": fonts._INSTANCES[""]})
    db.reset_caches()
    fonts.serif_files.cache_clear()
    try:
        assert cli.main(["init"]) == 0
        assert f"Fonts ready: {tmp_path / 'cache'}" in capsys.readouterr().out
        made = fonts.serif_files()
        assert len(made) == 1 and all(path.is_file() and path.is_relative_to(tmp_path) for path in made.values())
        # What a report asks for later (another process: nothing cached in memory) is found, not made again.
        fonts.serif_files.cache_clear()

        def instancing(*args: object, **kwargs: object) -> None:
            raise AssertionError("a variable font instanced again")

        monkeypatch.setattr(instancer, "instantiateVariableFont", instancing)
        assert fonts.serif_files() == made
    finally:
        fonts.serif_files.cache_clear()


# The annex of overdue tasks ---------------------------------------------------------------------------------------


def _report_at(fmt: str, as_of: date) -> bytes:
    details = official.Details.from_settings("01", number="12")
    with db.session() as session:
        return official.official_report(session, as_of, "01", fmt, details, actor=OPERATOR, issued=ISSUED)


def _annex_iv(pages: list[str]) -> str:
    """The PDF's text from Phụ lục IV's heading to the end (it is the last annex)."""
    text = _flat("\n".join(pages))
    return text[text.index("Phụ lục IV DANH SÁCH NHIỆM VỤ ĐANG THỰC HIỆN QUÁ HẠN") :]


def test_annex_iv_lists_exactly_the_overdue_tasks_in_the_pdf_and_the_docx(demo_sqlite) -> None:
    with db.session() as session:
        overdue = register.overdue(register.register(session, AS_OF))
    # The demo plan has overdue tasks at AS_OF, longest overdue first, and some tasks that are not.
    assert len(overdue) == 16 and overdue["days"].is_monotonic_decreasing
    reader = PdfReader(io.BytesIO(_report(official.PDF)))
    annex = _annex_iv([page.extract_text() for page in reader.pages])
    codes = re.findall(r"\b(?:TW|TP)-\d{3}\b", annex)
    assert codes == list(overdue["code"])
    first = overdue.iloc[0]
    assert f"{first.code} {' '.join(first.content.split())}" in annex
    assert f"{first.deadline_as_of:%d/%m/%Y} {first.days}" in annex
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert "Có 16 nhiệm vụ đang thực hiện đã quá hạn, chi tiết tại Phụ lục IV." in text

    word = docx.Document(io.BytesIO(_report(official.DOCX)))
    headers = task_views.OVERDUE_LIST.headers("pdf", "vi")
    assert headers == ["Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Số ngày quá hạn", "Tiến độ"]
    (table,) = [t for t in word.tables if [c.text for c in t.rows[0].cells] == headers]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [row[0] for row in rows] == list(overdue["code"])
    for row, task in zip(rows, overdue.itertuples(), strict=True):
        percent = task_views.OVERDUE_LIST["percent"].printer("vi")(task.percent)
        assert row[1:] == [
            task.content,
            task.lead_unit_name,
            f"{task.deadline_as_of:%d/%m/%Y}",
            str(task.days),
            percent,
        ]
    paragraphs = [p.text for p in word.paragraphs]
    # In Word it follows Phụ lục III without a page break, its heading kept with the table's first row.
    label = word.paragraphs[paragraphs.index("Phụ lục IV")]
    assert label.paragraph_format.keep_with_next
    assert 'w:type="page"' not in label._p.getprevious().xml
    assert any("chi tiết tại Phụ lục IV." in p for p in paragraphs)


def test_annex_iv_says_in_one_sentence_that_no_task_is_overdue(demo_sqlite, tmp_path: Path) -> None:
    before = date(2025, 4, 1)  # before the demo plan's first deadline
    with db.session() as session:
        frame = register.register(session, before)
    assert len(frame) and register.overdue(frame).empty
    data = _report_at(official.PDF, before)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    annex = _annex_iv(pages)
    assert "Tính đến ngày 01/04/2025, không có nhiệm vụ nào đang thực hiện quá hạn." in annex
    assert "Số ngày quá hạn" not in annex
    assert "không có nhiệm vụ nào đang thực hiện quá hạn (Phụ lục IV)." in _flat("\n".join(pages))
    # The sentence follows Phụ lục III on its page rather than standing alone on one.
    assert "Phụ lục III" in pages[-1] and "Phụ lục IV" in pages[-1]
    word = docx.Document(io.BytesIO(_report_at(official.DOCX, before)))
    assert "Tính đến ngày 01/04/2025, không có nhiệm vụ nào đang thực hiện quá hạn." in [
        p.text for p in word.paragraphs
    ]
    assert len(word.tables) == 2 + 3


def test_an_average_short_of_the_whole_is_never_printed_as_the_whole(demo_sqlite, monkeypatch) -> None:
    """125 communes at 16/16 and one at 11/16 average 15,96 criteria: the report says 15,9/16, not 16,0/16 (the
    rule of the pages' metric, i18n.format_part)."""
    figures = queries.report_figures

    def nearly_all(session, as_of, province):
        found = figures(session, as_of, province)
        found["kpis"] = {**found["kpis"], "average_green": (125 * 16 + 11) / 126}
        return found

    monkeypatch.setattr(queries, "report_figures", nearly_all)
    text = _words(_content())
    assert "bình quân mỗi xã, phường đạt 15,9/16 tiêu chí" in text
    assert "16,0/16" not in text
