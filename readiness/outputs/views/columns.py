"""Table-column specs: one per table, read by the page (ui.column_config), the PDF (readiness.outputs.report) and the
Excel sheet (readiness.outputs.export), so that a header, a width or a number format is said once."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import pandas as pd

from readiness.access.permissions import Actor, Permission, allowed
from readiness.core.i18n import format_amount, format_date, format_datetime, format_number, format_percent, tr
from readiness.outputs.views.palette import STATUS_TINT

# Kinds of values in a view's frame and how each medium shows them:
#   text      str                    as it is
#   int       whole number           1.234 (vi) / 1,234 (en); a number cell in Excel
#   date      datetime.date          dd/mm/yyyy; a date cell in Excel; a date column on the page
#   datetime  tz-aware Timestamp      dd/mm/yyyy hh:mm in local time
#   progress  0–100 (percent)        a bar on the page; 85% in the PDF; a 0% formatted share in Excel
#   number    any number             120 or 2,5 as i18n says amounts; a number cell in Excel
#   share     0–1                    85%; a 0% formatted share in Excel
EXCEL_FORMATS = {
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM:SS",
    "progress": "0%",
    "share": "0%",
    "int": "#,##0",
    "number": "#,##0.##",
}


# How each kind of value is printed (PDF, CLI) and stored in an Excel cell; text is printed and stored as it is.
_PRINTED: dict[str, Callable[[Any, str], str]] = {
    "int": format_number,
    "date": format_date,
    "datetime": format_datetime,
    "progress": lambda value, lang: format_percent(value / 100, lang),
    "share": format_percent,
    "number": format_amount,
}
_STORED: dict[str, Callable[[Any], object]] = {
    "progress": lambda value: value / 100,
    # Excel has no time zones: the local wall-clock time (the header says which zone).
    "datetime": lambda value: value.tz_localize(None).to_pydatetime(),
    "int": int,
    "number": float,
    "share": float,
}


@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    en: str
    kind: str = "text"
    # Where the column appears and how wide: the page ("small", "medium", "large", pixels, or None for fit-to-content),
    # the PDF (mm) and Excel (characters). A medium not given does not show the column.
    page: str | int | None = None
    pdf: float | None = None
    xlsx: float | None = None
    on_page: bool = True
    align: str = "L"
    # A tooltip on the page's header, vi and en.
    help: tuple[str, str] | None = None
    # The frame column holding a status (green, red, grey) whose palette tint fills this column's cells in the PDF
    # and Excel.
    tint: str | None = None
    # A header (vi, en) over this column and its neighbours with the same one: Excel's upper header row.
    over: tuple[str, str] | None = None
    # Personal data (a reporter's name or phone number): the column is left out, not only hidden, for a viewer
    # who may not see other communes' personal data (`Table.for_viewer`).
    personal: bool = False

    def header(self, lang: str) -> str:
        return tr(lang, self.vi, self.en)

    def shown_on(self, medium: str) -> bool:
        return {"page": self.on_page, "pdf": self.pdf is not None, "xlsx": self.xlsx is not None}[medium]

    def printer(self, lang: str) -> Callable[[object], str]:
        """The value as printed (PDF, CLI): numbers and dates in the language's form, "–" when missing. Chosen
        once per column of a table, then called for each of its cells."""
        form = _PRINTED.get(self.kind)

        def text(value: object) -> str:
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                return "–"
            return str(value) if form is None else form(value, lang)

        return text

    @cached_property
    def excel(self) -> Callable[[object], object]:
        """The value as stored in an Excel cell (its number format is `excel_format`); empty text is no value.
        Chosen once per column, then called for each of its cells."""
        convert = _STORED.get(self.kind)

        def cell(value: object) -> object:
            if isinstance(value, str):
                return value or None
            if value is None or pd.isna(value):
                return None
            return value if convert is None else convert(value)

        return cell

    @property
    def excel_format(self) -> str | None:
        return EXCEL_FORMATS.get(self.kind)


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]

    def on(self, medium: str) -> list[Column]:
        return [c for c in self.columns if c.shown_on(medium)]

    def without(self, keys: Iterable[str]) -> "Table":
        dropped = set(keys)
        return Table(tuple(c for c in self.columns if c.key not in dropped))

    def for_viewer(self, viewer: Actor | None) -> "Table":
        """The table as `viewer` may receive it: without its personal columns unless the viewer may see every
        commune's personal data. Pages, the PDF and Excel take their columns (and the frame's: `frame`) from it."""
        if allowed(viewer, Permission.VIEW_PERSONAL_DATA):
            return self
        return self.without(c.key for c in self.columns if c.personal)

    def frame(self, frame: pd.DataFrame, medium: str) -> pd.DataFrame:
        """Only the columns of `medium`, in order: what a page sends to the browser (st.dataframe sends every
        column of its frame, shown or not)."""
        return frame[self.keys(medium)]

    def page_cells(self, frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
        """What a page sends: the page's columns, where a column with a cell without a value is sent as its printed
        text ("–" as in the PDF; the grid would draw "None"); and those columns, which the page shows as text."""
        sent = self.frame(frame, "page")
        blanks = [c for c in self.on("page") if c.kind != "progress" and sent[c.key].isna().any()]
        return sent.assign(**{c.key: sent[c.key].map(c.printer(lang)) for c in blanks}), blanks

    def changed(self, key: str, **fields: object) -> "Table":
        """The same table with other fields (widths, where shown) for one column."""
        return Table(tuple(replace(c, **fields) if c.key == key else c for c in self.columns))

    def __getitem__(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def keys(self, medium: str) -> list[str]:
        return [c.key for c in self.on(medium)]

    def headers(self, medium: str, lang: str) -> list[str]:
        return [c.header(lang) for c in self.on(medium)]

    def column_fills(self, frame: pd.DataFrame, medium: str) -> list[list[str | None] | None]:
        """Per column of `medium`: the status tint of each row for a column with a `tint`, else None."""
        return [[STATUS_TINT.get(s) for s in frame[c.tint]] if c.tint else None for c in self.on(medium)]

    def fills(self, frame: pd.DataFrame, medium: str) -> list[list[str | None]]:
        """Per row and column of `medium`: the status tint of a column with a `tint`, else None."""
        none = [None] * len(frame)
        tints = [none if tint is None else tint for tint in self.column_fills(frame, medium)]
        return [list(row) for row in zip(*tints, strict=True)]

    def text_rows(self, frame: pd.DataFrame, lang: str, medium: str = "pdf") -> list[list[str]]:
        """The frame's rows as printed text, the columns of `medium` (each column's printer chosen once)."""
        printers = [c.printer(lang) for c in self.on(medium)]
        rows = frame[self.keys(medium)].itertuples(index=False)
        return [[print_(v) for print_, v in zip(printers, row, strict=True)] for row in rows]
