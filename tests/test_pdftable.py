"""How the PDFs draw a table (readiness.outputs.pdftable): widths, wrapping, the header on every page."""

import io

import fontpkg_be_vietnam_pro
import pytest
from fpdf import FPDF
from pypdf import PdfReader

from readiness.outputs import pdftable

FONT = "BeVietnamPro"
LOOK = pdftable.Look(FONT, 8, line=4, padding=(1.2, 1.5), header_fill="#1F4E79", header_text="#FFFFFF")


@pytest.fixture
def pdf() -> FPDF:
    pdf = FPDF(format="A4")
    for style, name in (("", "Regular"), ("B", "Bold")):
        pdf.add_font(FONT, style, fontpkg_be_vietnam_pro.ROOT / "files" / f"BeVietnamPro-{name}.ttf")
    pdf.add_page()
    return pdf


def test_a_column_is_never_narrower_than_its_longest_word_and_the_others_share_the_rest(pdf):
    rows = [["3.319", "13/09/2025", "Chưa từng báo cáo"]]
    widths = pdftable.fit(pdf, LOOK, ["#", "Ngày", "Lý do"], rows, [1, 1, 8])
    pdf.set_font(FONT, "", 8)
    assert widths[0] >= pdf.get_string_width("3.319") + 2 * LOOK.padding[1]
    assert widths[1] >= pdf.get_string_width("13/09/2025") + 2 * LOOK.padding[1]
    assert sum(widths) == pytest.approx(pdf.epw)
    # Proportional where the words fit: only the text column gave up room.
    assert widths[2] == pytest.approx(pdf.epw - widths[0] - widths[1])
    assert pdftable.fit(pdf, LOOK, ["a", "b"], [["x", "y"]], [1, 3]) == pytest.approx([pdf.epw / 4, pdf.epw * 3 / 4])


def test_words_too_long_for_the_page_keep_the_proportions(pdf):
    long = "x" * 200
    assert pdftable.fit(pdf, LOOK, ["a", "b"], [[long, long]], [1, 1]) == pytest.approx([pdf.epw / 2] * 2)


def test_a_long_table_repeats_its_header_and_breaks_no_word(pdf):
    rows = [[f"{i:,}".replace(",", "."), "13/09/2025", "Phường Văn Miếu - Quốc Tử Giám " * (i % 3)] for i in range(400)]
    pdftable.draw(pdf, LOOK, ["#", "Ngày", "Xã, phường"], rows, [1, 1, 8], ["R", "L", "L"])
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.output()))).pages]
    assert len(pages) > 5
    assert all(page.startswith("# Ngày Xã, phường") for page in pages)
    text = "\n".join(pages)
    assert text.count("13/09/2025") == 400
    assert all(f"\n{i:,} 13/09/2025".replace(",", ".") in text for i in range(1, 400))


def test_a_line_break_in_a_cell_is_kept_even_when_the_text_would_fit_on_one_line(pdf):
    def row_height(text: str) -> float:
        top = pdf.get_y()
        pdftable.draw(pdf, LOOK, ["Người báo cáo"], [[text]], [1], ["L"])
        header = LOOK.line + 2 * LOOK.padding[0]
        return pdf.get_y() - top - header

    assert row_height("An 0912") == pytest.approx(LOOK.line + 2 * LOOK.padding[0])
    assert row_height("An\n0912") == pytest.approx(2 * LOOK.line + 2 * LOOK.padding[0])


def test_a_cell_taller_than_half_a_page_is_cut_and_nothing_runs_off_the_page(pdf):
    pdftable.draw(pdf, LOOK, ["Người báo cáo", "#"], [["x" * 20_000, "1"], ["An", "2"]], [1, 1], ["L", "R"])
    reader = PdfReader(io.BytesIO(bytes(pdf.output())))
    assert len(reader.pages) <= 2
    assert "…" in reader.pages[0].extract_text()
    assert pdf.get_y() <= pdf.page_break_trigger
