"""The official report as PDF (fpdf2), in Noto Serif embedded (full Vietnamese coverage, from the
fontpkg-noto-serif package, never a system font)."""

import io
from dataclasses import replace

from fpdf import FPDF

from readiness.core.text import nfc
from readiness.outputs import pdftable
from readiness.outputs.official.content import Annex, Document, Figure, Table
from readiness.outputs.official.layout import (
    BODY_PT,
    BOTTOM,
    HEADER_PT,
    INDENT_MM,
    LEFT,
    LEFT_BLOCK,
    RIGHT,
    RIGHT_BLOCK,
    SERIF,
    SIGNATURE_ROOM_MM,
    TABLE_LOOK,
    TEXT_WIDTH,
    TOP,
    chart_png,
    serif_files,
)


class _Pdf(FPDF):
    """An A4 page of the decree's margins in Noto Serif, with the report's few ways of setting text."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, path in serif_files().items():
            self.add_font(SERIF, style, path)
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_lang("vi")
        self.set_creator("Readiness")

    def header(self) -> None:
        # Page numbers from the second page, centred in the top margin (Nghị định 30/2020, Phụ lục I).
        if self.page_no() > 1:
            self.set_y(10)
            self.set_font(SERIF, "", HEADER_PT)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(TOP)

    def centred(
        self, text: str, x: float, width: float, style: str = "", size: float = BODY_PT, height: float = 6.5
    ) -> None:
        self.set_font(SERIF, style, size)
        self.set_x(x)
        self.multi_cell(width, height, nfc(text), align="C", new_x="LEFT", new_y="NEXT")

    def rule(self, x: float, width: float, length: float) -> None:
        # Well below the descenders, or the rule reads as an underline of the text above.
        y = self.get_y() + 2.5
        self.set_line_width(0.3)
        self.line(x + (width - length) / 2, y, x + (width + length) / 2, y)
        self.set_y(y + 3)

    def fitted(self, text: str, style: str, size: float, width: float) -> float:
        """The largest size down to 9 pt at which `text` fits `width` on one line."""
        self.set_font(SERIF, style, size)
        while self.get_string_width(nfc(text)) > width - 1 and size > 9:
            size -= 0.5
            self.set_font(SERIF, style, size)
        return size


X_LEFT, X_RIGHT = LEFT, LEFT + LEFT_BLOCK


def _heading(pdf: _Pdf, document: Document) -> None:
    """Header blocks left and right, each centred in its column; the document number and the date line level;
    then the title and the addressee."""
    details = document.details
    pdf.set_y(TOP)
    parent = details.parent_body.upper()
    pdf.centred(parent, X_LEFT, LEFT_BLOCK, size=pdf.fitted(parent, "", HEADER_PT, LEFT_BLOCK), height=6)
    issuing = details.issuing_body.upper()
    pdf.centred(issuing, X_LEFT, LEFT_BLOCK, "B", pdf.fitted(issuing, "B", HEADER_PT, LEFT_BLOCK), height=6)
    pdf.rule(X_LEFT, LEFT_BLOCK, LEFT_BLOCK / 3)
    left_end = pdf.get_y()
    pdf.set_y(TOP)
    national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    pdf.centred(national, X_RIGHT, RIGHT_BLOCK, "B", pdf.fitted(national, "B", HEADER_PT, RIGHT_BLOCK), height=6)
    motto = "Độc lập - Tự do - Hạnh phúc"
    pdf.centred(motto, X_RIGHT, RIGHT_BLOCK, "B", BODY_PT, height=6.5)
    pdf.rule(X_RIGHT, RIGHT_BLOCK, pdf.get_string_width(motto))
    level = max(left_end, pdf.get_y()) + 2
    pdf.set_y(level)
    pdf.centred(details.symbol, X_LEFT, LEFT_BLOCK, size=HEADER_PT)
    pdf.set_y(level)
    pdf.centred(document.date_line, X_RIGHT, RIGHT_BLOCK, "I", BODY_PT)
    pdf.ln(8)

    pdf.centred("BÁO CÁO", LEFT, TEXT_WIDTH, "B", BODY_PT, height=7)
    pdf.centred(document.subject, LEFT, TEXT_WIDTH, "B", BODY_PT, height=7)
    pdf.rule(LEFT, TEXT_WIDTH, TEXT_WIDTH / 4)
    pdf.ln(3)
    pdf.centred(f"Kính gửi: {details.addressee}.", LEFT, TEXT_WIDTH, "", BODY_PT, height=7)
    pdf.ln(4)


# What "Nơi nhận" and the signature take (mm). Rather than leave them alone on a page, the body's last two sections
# go with them to a new page (one section and the closing line would still leave it two-thirds empty).
_CLOSING_MM = 40 + SIGNATURE_ROOM_MM


def _body(pdf: _Pdf, document: Document, carry: bool = False) -> None:
    line = BODY_PT * 0.3528 * 1.3  # 1.3 lines in mm
    headings = [i for i, paragraph in enumerate(document.body) if paragraph.kind == "heading"]
    for i, paragraph in enumerate(document.body):
        if carry and i == headings[-2]:
            pdf.add_page()
        style = {"heading": "B", "placeholder": "I"}.get(paragraph.kind, "")
        pdf.set_font(SERIF, style, BODY_PT)
        if paragraph.kind == "placeholder":
            pdf.set_fill_color(255, 242, 153)
            pdf.multi_cell(0, line, nfc(paragraph.text), align="J", fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_fill_color(255)
            pdf.ln(2)
            continue
        with (
            pdf.text_columns(text_align="J", line_height=1.3) as columns,
            columns.paragraph(first_line_indent=INDENT_MM, bottom_margin=2) as text,
        ):
            text.write(nfc(paragraph.text))


def _closing(pdf: _Pdf, document: Document) -> None:
    """ "Nơi nhận" on the left, the signature on the right, kept together on one page."""
    details = document.details
    if pdf.page_break_trigger - pdf.get_y() < _CLOSING_MM:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    pdf.set_x(LEFT)
    pdf.set_font(SERIF, "BI", 12)
    pdf.cell(LEFT_BLOCK, 6, "Nơi nhận:", new_x="LEFT", new_y="NEXT")
    pdf.set_font(SERIF, "", 11)
    for entry in details.copies:
        pdf.set_x(LEFT)
        pdf.multi_cell(LEFT_BLOCK, 5, nfc(f"- {entry};"), align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_x(LEFT)
    pdf.multi_cell(LEFT_BLOCK, 5, nfc(f"- Lưu: {details.archive}."), align="L", new_x="LEFT", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_y(top)
    for title in details.signer_title:
        pdf.centred(title.upper(), X_RIGHT, RIGHT_BLOCK, "B", HEADER_PT, height=6)
    # The signer's title, room for the signature and the seal, then the name (Nghị định 30/2020, Phụ lục I).
    pdf.ln(SIGNATURE_ROOM_MM)
    pdf.centred(details.signer_name or "[Họ và tên người ký]", X_RIGHT, RIGHT_BLOCK, "B", BODY_PT, height=6)
    pdf.set_y(max(bottom, pdf.get_y()))


def _annexes(pdf: _Pdf, document: Document) -> None:
    for annex in document.annexes:
        if _begins_here(pdf, document, annex):
            pdf.ln(_ANNEX_GAP_MM)
        else:
            pdf.add_page()
        _annex(pdf, document, annex, annex.table)


# Between the end of one annex and a flowing annex begun on the same page.
_ANNEX_GAP_MM = 8
# Rows of a flowing annex's table that must fit under its heading for it to begin on the page where the one before
# ends: never a heading alone at the foot of a page (the table's heading row repeats on the next).
_FIRST_ROWS = 1


def _begins_here(pdf: _Pdf, document: Document, annex: Annex) -> bool:
    """Whether a flowing annex begins where the one before ends rather than on a page of its own (trial layouts):
    when its heading and first rows fit there, and it then ends on no more pages than begun on a page of its own.
    A short list on a page of its own, or the last rows of a long one alone on its last page, would leave most of a
    page empty."""
    if not annex.flow or annex.figures:
        return False
    here = pdf.get_y()

    def pages(y: float | None, table: Table | None) -> int:
        trial = _Pdf()
        trial.add_page()
        if y is not None:
            trial.set_y(y)
            trial.ln(_ANNEX_GAP_MM)
        _annex(trial, document, annex, table)
        return trial.page_no()

    first = annex.table and replace(annex.table, rows=annex.table.rows[:_FIRST_ROWS])
    if pages(here, first) > 1:
        return False
    return pages(here, annex.table) <= pages(None, annex.table)


def _annex(pdf: _Pdf, document: Document, annex: Annex, table: Table | None) -> None:
    """The annex's label, title, reference and note, then `table` (its table, or the first rows of it in a trial
    layout) or the sentence said without one, then its figures."""
    pdf.centred(annex.label, LEFT, TEXT_WIDTH, "B", BODY_PT)
    pdf.centred(annex.title, LEFT, TEXT_WIDTH, "B", BODY_PT)
    pdf.centred(document.reference, LEFT, TEXT_WIDTH, "I", HEADER_PT, height=6)
    if annex.note:
        pdf.centred(annex.note, LEFT, TEXT_WIDTH, "I", 12, height=6)
    pdf.ln(3)
    if table is None:
        pdf.centred(annex.empty, LEFT, TEXT_WIDTH)
    else:
        pdftable.draw(pdf, TABLE_LOOK, table.headings, table.rows, table.widths, table.align)
    for figure in annex.figures:
        _figure(pdf, figure)


def _figure(pdf: _Pdf, figure: Figure) -> None:
    """A chart under its title at the text's width, as tall as the room left on the page allows within the
    figure's heights; on the next page if even the smallest does not fit."""
    smallest, largest = figure.height
    title = 16  # mm: the space above, the title's two lines at most
    room = pdf.page_break_trigger - pdf.get_y() - title
    if room < smallest:
        pdf.add_page()
        room = pdf.page_break_trigger - pdf.get_y() - title
    height = min(room, largest)
    pdf.ln(3)
    pdf.centred(figure.title, LEFT, TEXT_WIDTH, "B", HEADER_PT)
    png = chart_png(figure.chart, height)
    pdf.image(io.BytesIO(png), x=LEFT, y=pdf.get_y(), w=TEXT_WIDTH, h=height)
    pdf.set_y(pdf.get_y() + height + 2)


def render(document: Document) -> bytes:
    pdf = _Pdf()
    pdf.set_author(nfc(document.details.issuing_body))
    pdf.set_title(nfc(f"Báo cáo – {document.subject}"))
    pdf.add_page()
    _heading(pdf, document)
    _body(pdf, document, carry=_closing_alone(document))
    _closing(pdf, document)
    _annexes(pdf, document)
    return bytes(pdf.output())


def _closing_alone(document: Document) -> bool:
    """Whether "Nơi nhận" and the signature would start a page of their own after the body (a trial layout)."""
    trial = _Pdf()
    trial.add_page()
    _heading(trial, document)
    _body(trial, document)
    return trial.page_break_trigger - trial.get_y() < _CLOSING_MM
