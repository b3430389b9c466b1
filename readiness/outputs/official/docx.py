"""The official report as Word .docx (python-docx), for offices that edit before signing: Times New Roman, the
same page and the same words as the PDF."""

import io
from collections.abc import Sequence

from docx import Document as Word
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from fpdf import FPDF

from readiness.core.text import nfc, nfc_lines
from readiness.outputs import pdftable
from readiness.outputs.official.content import Document, Table
from readiness.outputs.official.layout import (
    BODY_PT,
    BOTTOM,
    HEADER_PT,
    INDENT_MM,
    LEFT,
    LEFT_BLOCK,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    RIGHT_BLOCK,
    SERIF,
    SIGNATURE_ROOM_MM,
    TABLE_PT,
    TEXT_WIDTH,
    TOP,
    WORD_TABLE_LOOK,
    chart_png,
    serif_files,
)


def _word_measure() -> FPDF:
    """A page of the report's width with Noto Serif, to measure Word's table columns in: wider than Times New Roman,
    so that what fits there fits in Word."""
    measure = FPDF(format="A4")
    measure.set_margins(LEFT, TOP, RIGHT)
    for style in ("", "B"):
        measure.add_font(SERIF, style, serif_files()[style])
    return measure


FONT_NAME = "Times New Roman"
_ALIGNS = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER, "R": WD_ALIGN_PARAGRAPH.RIGHT}


def _fonts(element: object) -> None:
    """Times New Roman for every script slot, so Word never substitutes another face for Vietnamese."""
    properties = element.get_or_add_rPr()
    names = properties.find(qn("w:rFonts"))
    if names is None:
        names = OxmlElement("w:rFonts")
        properties.insert(0, names)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        names.set(qn(slot), FONT_NAME)


def _put(
    container: object,
    content: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    align: object = WD_ALIGN_PARAGRAPH.CENTER,
    paragraph: object = None,
) -> object:
    p = paragraph if paragraph is not None else container.add_paragraph()
    p.alignment = align
    r = p.add_run(nfc_lines(content))
    r.bold, r.italic, r.font.size = bold, italic, Pt(size)
    return p


def _rule(cell: object, block_mm: float, length_mm: float) -> None:
    """A short centred line: the bottom border of a small empty paragraph, cut to `length_mm` by its indents
    (a bottom border keeps it clear of the text above, where a top border would read as an underline)."""
    p = cell.add_paragraph()
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Mm((block_mm - length_mm) / 2)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    # An exact line, whatever the size of the (empty) paragraph mark, and room below before the next text.
    p.paragraph_format.line_spacing = Pt(7)
    p.paragraph_format.space_after = Pt(6)


def _no_borders(table: object) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _unsplit(table: object) -> None:
    """No row broken across two pages: a row moves whole to the next page."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _widths(table: object, millimetres: Sequence[float]) -> None:
    # Both the grid (LibreOffice lays out by it) and each cell (Word does).
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, millimetres, strict=True):
            cell.width = Mm(width)


def _page(word: object) -> None:
    """Times New Roman 14 pt on A4 with the decree's margins; page numbers centred at the top from page 2."""
    normal = word.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = word.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance = Mm(10)
    # No number on the first page; centred at the top of every other one.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field_.append(run)
    number._p.append(field_)


def _heading(word: object, document: Document) -> None:
    """The two header blocks (issuing body; national title and motto), the number and date line, the title."""
    details = document.details
    header = word.add_table(rows=2, cols=2)
    _no_borders(header)
    _unsplit(header)
    _widths(header, [LEFT_BLOCK, RIGHT_BLOCK])
    left, right = header.cell(0, 0), header.cell(0, 1)
    # 12 pt, the decree's smallest for these lines: the longest names then fit their block on one line.
    _put(left, details.parent_body.upper(), size=12, paragraph=left.paragraphs[0])
    _put(left, details.issuing_body.upper(), bold=True, size=12)
    _rule(left, LEFT_BLOCK, LEFT_BLOCK / 3)
    _put(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, paragraph=right.paragraphs[0])
    _put(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=BODY_PT)
    _rule(right, RIGHT_BLOCK, 62)
    _put(header.cell(1, 0), details.symbol, size=HEADER_PT, paragraph=header.cell(1, 0).paragraphs[0])
    _put(header.cell(1, 1), document.date_line, italic=True, paragraph=header.cell(1, 1).paragraphs[0])

    _put(word, "BÁO CÁO", bold=True).paragraph_format.space_before = Pt(18)
    _put(word, document.subject, bold=True)
    _rule(word, TEXT_WIDTH, TEXT_WIDTH / 4)
    addressee = _put(word, f"Kính gửi: {details.addressee}.")
    addressee.paragraph_format.space_before = Pt(8)
    addressee.paragraph_format.space_after = Pt(12)


def _body(word: object, document: Document) -> None:
    for paragraph in document.body:
        p = _put(
            word,
            paragraph.text,
            bold=paragraph.kind == "heading",
            italic=paragraph.kind == "placeholder",
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
        p.paragraph_format.first_line_indent = Mm(INDENT_MM)
        p.paragraph_format.space_after = Pt(6)
        p.paragraph_format.line_spacing = 1.15
        if paragraph.kind == "placeholder":
            p.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW


def _closing(word: object, document: Document) -> None:
    """ "Nơi nhận" on the left, the signature on the right."""
    details = document.details
    closing = word.add_table(rows=1, cols=2)
    _no_borders(closing)
    # The recipients and the signature on one page.
    _unsplit(closing)
    _widths(closing, [LEFT_BLOCK, RIGHT_BLOCK])
    recipients, signature = closing.cell(0, 0), closing.cell(0, 1)
    _put(
        recipients,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        paragraph=recipients.paragraphs[0],
    ).paragraph_format.space_before = Pt(12)
    for entry in details.copies:
        _put(recipients, f"- {entry};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _put(recipients, f"- Lưu: {details.archive}.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = signature.paragraphs[0]
    first.paragraph_format.space_before = Pt(12)
    for i, title in enumerate(details.signer_title):
        _put(signature, title.upper(), bold=True, size=HEADER_PT, paragraph=first if i == 0 else None)
    # The signer's title, room for the signature and the seal, then the name (Nghị định 30/2020, Phụ lục I).
    name = _put(signature, details.signer_name or "[Họ và tên người ký]", bold=True)
    name.paragraph_format.space_before = Mm(SIGNATURE_ROOM_MM)


def _table(word: object, table: Table, measure: FPDF) -> None:
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.headings))
    grid.style = word.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Fitted as in the PDF, so that no word breaks.
    _widths(grid, pdftable.fit(measure, WORD_TABLE_LOOK, table.headings, table.rows, table.widths))
    for j, heading in enumerate(table.headings):
        cell = grid.cell(0, j)
        # Never the heading row alone at the foot of a page.
        _put(
            cell, heading, bold=True, size=TABLE_PT, paragraph=cell.paragraphs[0]
        ).paragraph_format.keep_with_next = True
    # The heading row repeats on every page the table runs onto.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    _unsplit(grid)
    for i, values in enumerate(table.rows, start=1):
        cells = grid.rows[i].cells
        for j, value in enumerate(values):
            _put(cells[j], value, size=TABLE_PT, align=_ALIGNS[table.align[j]], paragraph=cells[j].paragraphs[0])


def _annexes(word: object, document: Document) -> None:
    measure = _word_measure()
    for annex in document.annexes:
        if annex.flow:
            # Word lays out the pages: the heading goes with the table's first row, on this page or the next.
            label = _put(word, annex.label, bold=True)
            label.paragraph_format.space_before = Pt(24)
        else:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            label = _put(word, annex.label, bold=True)
        heading = [
            label,
            _put(word, annex.title, bold=True),
            _put(word, document.reference, italic=True, size=HEADER_PT),
        ]
        if annex.note:
            heading.append(_put(word, annex.note, italic=True, size=12))
            heading[-1].paragraph_format.space_after = Pt(6)
        for paragraph in heading:
            paragraph.paragraph_format.keep_with_next = True
        if annex.table is None:
            _put(word, annex.empty)
        else:
            _table(word, annex.table, measure)
        for figure in annex.figures:
            _put(word, figure.title, bold=True, size=HEADER_PT).paragraph_format.space_before = Pt(12)
            # Word lays the pages out: each chart at its largest.
            height = figure.height[1]
            word.add_picture(io.BytesIO(chart_png(figure.chart, height)), width=Mm(TEXT_WIDTH), height=Mm(height))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def render(document: Document) -> bytes:
    word = Word()
    word.core_properties.title = nfc(f"Báo cáo – {document.subject}")
    word.core_properties.author = nfc(document.details.issuing_body)
    _page(word)
    _heading(word, document)
    _body(word, document)
    _closing(word, document)
    _annexes(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
