"""The page of the official report, as Nghị định 30/2020 Phụ lục I sets it: A4, margins, type sizes, the annex
tables' look and the charts as printed."""

from dataclasses import replace
from functools import cache

import altair as alt
import vl_convert

from readiness.outputs import charts, pdftable
from readiness.outputs.fonts import serif_files

# Millimetres, as Nghị định 30/2020 Phụ lục I sets them (top 20–25, bottom 20–25, left 30–35, right 15–20).
TOP, BOTTOM, LEFT, RIGHT = 20, 20, 30, 15
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
# The two header blocks: parent and issuing body on the left, the national title and motto on the right.
LEFT_BLOCK, RIGHT_BLOCK = 72, TEXT_WIDTH - 72
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 10.5
INDENT_MM = 12.7
# Between the signer's title and name: the signature and the seal.
SIGNATURE_ROOM_MM = 28
PT_MM = 25.4 / 72
# Charts: Noto Serif as the text, labels at least 9 pt on paper, drawn at 216 dpi.
CHART_FONT = "Noto Serif"
CHART_PT = 9.5
CHART_SCALE = 3

SERIF = "NotoSerif"
TABLE_LOOK = pdftable.Look(
    SERIF, TABLE_PT, line=TABLE_PT * 0.3528 * 1.25, padding=(1, 1.2), header_fill="#E6E6E6", grid=True
)
# Word's tables are measured as the PDF's, with Word's and LibreOffice's default space left and right of a cell's
# text (0.19 cm).
WORD_TABLE_LOOK = replace(TABLE_LOOK, padding=(TABLE_LOOK.padding[0], 1.9))


@cache
def _register_chart_font() -> None:
    vl_convert.register_font_directory(str(serif_files()[""].parent))


def printed(chart: charts.Chart, height_mm: float) -> charts.Chart:
    """A chart as printed in an annex: the text's width and `height_mm` tall, axes and legend included, one Vega
    pixel to one printed point, so that its labels are CHART_PT at print size, in the document's face."""
    chart = chart.copy(deep=True)
    config = chart.config if chart.config is not alt.Undefined else alt.Config()
    config.font = CHART_FONT
    # labelSeparation: dates too close to read apart are thinned out rather than run together.
    config.axis = alt.AxisConfig(
        labelFontSize=CHART_PT, titleFontSize=CHART_PT, labelSeparation=6, labelLimit=0, titleFontWeight="normal"
    )
    # Two columns: a legend over the plot must not run past the text's width.
    config.legend = alt.LegendConfig(labelFontSize=CHART_PT, titleFontSize=CHART_PT, labelLimit=0, columns=2)
    chart.config = config
    return chart.properties(
        width=round(TEXT_WIDTH / PT_MM),
        height=round(height_mm / PT_MM),
        autosize=alt.AutoSizeParams(type="fit", contains="padding"),
    )


def chart_png(chart: charts.Chart, height_mm: float) -> bytes:
    """The printed chart as PNG at CHART_SCALE pixels per point."""
    _register_chart_font()
    return charts.to_png(printed(chart, height_mm), scale=CHART_SCALE)
