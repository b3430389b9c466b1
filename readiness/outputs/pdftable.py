"""Tables in the PDFs (the leaders' report and the official report): one way of drawing them, two looks.

Drawn cell by cell with fpdf2's cell() rather than with its table(): table() lays every cell out twice through
multi_cell, which took 13 s for the national warning list of 3,319 rows against 1 s here, where only a text too
wide for its column is wrapped.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from readiness.core.text import nfc_lines


@dataclass(frozen=True)
class Look:
    font: str
    size: float
    line: float
    """Height of a line of text (mm)."""
    padding: tuple[float, float]
    """Space (mm) above and below, left and right of a cell's text."""
    header_fill: str
    header_text: str = "#000000"
    stripe: str | None = None
    """Background of every other row."""
    grid: bool = False
    """A thin line around every cell, as official documents have."""


def draw(
    pdf: FPDF,
    look: Look,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    align: Sequence[str],
    fills: Sequence[Sequence[str | None]] | None = None,
) -> None:
    """A table across the page (`widths` are proportions, see `fit`) whose header is repeated on every page it runs
    onto; `fills` colours single cells (a colour or None per row and column)."""
    margin = pdf.c_margin
    pdf.c_margin = look.padding[1]
    widths = fit(pdf, look, headings, rows, widths)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.1)
    header = [look.header_fill] * len(widths)

    # A cell never takes more than half a page: longer text is cut with "…" rather than run off the page.
    most = max(1, int((pdf.page_break_trigger - pdf.t_margin) / 2 / look.line))

    # Long lists repeat their texts (a warning reason, a unit's name): each is wrapped once per width and face.
    wrapped_before: dict[tuple[str, float, bool], list[str]] = {}

    def lines(text: str, width: float, bold: bool) -> list[str]:
        if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
            return [text]
        key = (text, width, bold)
        if key not in wrapped_before:
            wrapped = pdf.multi_cell(width, look.line, text, dry_run=True, output=MethodReturnValue.LINES)
            if len(wrapped) > most:
                wrapped = [*wrapped[: most - 1], wrapped[most - 1][:-1] + "…"]
            wrapped_before[key] = wrapped
        return wrapped_before[key]

    def row(texts: Sequence[str], colours: Sequence[str | None], is_header: bool = False) -> None:
        pdf.set_font(look.font, "B" if is_header else "", look.size)
        wrapped = [lines(nfc_lines(text), w, is_header) for text, w in zip(texts, widths, strict=True)]
        height = max(map(len, wrapped)) * look.line + 2 * look.padding[0]
        if not is_header and pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            row(headings, header, is_header=True)
            pdf.set_font(look.font, "", look.size)
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_text_color(look.header_text if is_header else "#000000")
        for cell_lines, w, colour, side in zip(wrapped, widths, colours, align, strict=True):
            if colour or look.grid:
                if colour:
                    pdf.set_fill_color(colour)
                pdf.rect(x, y, w, height, style=("F" if colour else "") + ("D" if look.grid else ""))
            top = y + (height - len(cell_lines) * look.line) / 2
            for k, text in enumerate(cell_lines):
                pdf.set_xy(x, top + k * look.line)
                pdf.cell(w, look.line, text, align="C" if is_header else side)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)
        pdf.set_text_color(0)

    row(headings, header, is_header=True)
    for i, texts in enumerate(rows):
        stripe = look.stripe if i % 2 else None
        row(texts, [(fills[i][j] if fills else None) or stripe for j in range(len(widths))])
    pdf.c_margin = margin


def fit(
    pdf: FPDF, look: Look, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> list[float]:
    """Column widths (mm) across the page in the proportions of `widths`, except that no column is narrower than
    its longest word, so that a date, a number or a code never breaks in the middle; the other columns share
    what is left. When even the words cannot all fit, plain proportions."""
    need = []
    for j, heading in enumerate(headings):
        pdf.set_font(look.font, "B", look.size)
        words = set(nfc_lines(heading).split())
        longest = max((pdf.get_string_width(w) for w in words), default=0)
        pdf.set_font(look.font, "", look.size)
        words = {word for row in rows for word in nfc_lines(row[j]).split()}
        longest = max(longest, *(pdf.get_string_width(w) for w in words), 0)
        need.append(longest + 2 * look.padding[1] + 0.01)
    proportional = [w * pdf.epw / sum(widths) for w in widths]
    sized, pinned = proportional, set()
    while True:
        short = {j for j, w in enumerate(sized) if w < need[j] and j not in pinned}
        if not short:
            return sized
        pinned |= short
        free = [j for j in range(len(widths)) if j not in pinned]
        room = pdf.epw - sum(need[j] for j in pinned)
        if not free or room <= 0:
            return proportional
        share = sum(widths[j] for j in free)
        sized = [need[j] if j in pinned else widths[j] * room / share for j in range(len(widths))]
