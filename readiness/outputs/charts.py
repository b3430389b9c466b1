"""Altair charts shared by the dashboard and the PDF: pure functions of query DataFrames and a language.

Colours are readiness.outputs.views.palette's. Status is never shown by colour alone: heatmap cells carry "×" (not met)
or "?" (not reported), tiles show their count, and legends and tooltips use the status words of readiness.core.i18n.
A heatmap cell whose figure comes from a submission pending review carries a white dot in its corner.
"""

import json
import math
import textwrap
from functools import cache
from pathlib import Path

import altair as alt
import fontpkg_be_vietnam_pro
import pandas as pd
import vl_convert

from readiness.core.enums import ReviewStatus
from readiness.core.i18n import (
    format_date,
    format_number,
    format_percent,
    review_label,
    status_label,
    task_class_label,
    timeliness_label,
    tr,
)
from readiness.core.text import short_name
from readiness.outputs.views.palette import GREEN, GREY, INK, MIDDLE, RED, STATUS
from readiness.outputs.views.tables import REVIEW
from readiness.outputs.views.wording import describe_status, total_gaps

FONT = "Be Vietnam Pro"
# Browsers without the font fall back to a sans-serif face, not the canvas default (a serif).
FONT_STACK = f"{FONT}, sans-serif"
STATUS_SYMBOLS = {"green": "", "red": "×", "grey": "?"}
# Timeliness: met on time and late are both green (late lighter); in progress a pale amber; overdue as "not met".
TIMELINESS_COLOURS = {"on_time": GREEN, "late": "#8CC5AE", "in_progress": MIDDLE, "overdue": RED}
# Below 14 px Vega hides every other row label.
ROW_PX = 16
TILE_COLUMNS = 10

# A layered chart takes its frame on the layer (alt.layer(..., data=rows)), its parts none: given a frame
# each, Altair compares the parts' frames through their printed text to merge them (≈ 20 ms at each page run).
Chart = alt.Chart | alt.LayerChart


def _records(frame: pd.DataFrame) -> list[dict]:
    # JSON-safe (NaN -> null, dates in ISO) and free of Altair's 5,000-row limit (a large province's heatmap).
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def vega_lite(chart: Chart) -> dict:
    """The chart's Vega-Lite spec with every data frame as a named dataset under "datasets" (still a DataFrame:
    Streamlit sends it as Arrow). Not checked against Altair's schema: the builders here are tested, and the check
    walks the whole spec at every page run (≈ 30–60 ms for a province's heatmap, more than drawing it)."""
    frames: dict[str, pd.DataFrame] = {}

    def named(part: Chart) -> Chart:
        part = part.copy(deep=False)
        if isinstance(part.data, pd.DataFrame):
            name = f"frame_{len(frames)}"  # not data_N: Vega-Lite names its own sources so
            frames[name], part.data = part.data, alt.NamedData(name=name)
        if isinstance(part, alt.LayerChart):
            part.layer = [named(layer) for layer in part.layer]
        return part

    spec = named(chart).to_dict(validate=False)
    spec.setdefault("datasets", {}).update(frames)
    return spec


def _finish(chart: Chart) -> Chart:
    return chart.configure(font=FONT_STACK).configure_view(stroke=None)


def _status_text(status: str, lang: str) -> str:
    return f"{STATUS_SYMBOLS[status]} {status_label(status, lang)}".strip()


def _status_scale(lang: str) -> alt.Scale:
    statuses = list(STATUS)
    return alt.Scale(domain=[_status_text(s, lang) for s in statuses], range=[STATUS[s] for s in statuses])


def _green_scale(criteria: int) -> alt.Scale:
    return alt.Scale(domain=[0, criteria / 2, criteria], range=[RED, MIDDLE, GREEN])


def _green_legend(title: str, criteria: int, **options: object) -> alt.Legend:
    """The legend of a green count: labelled from 0 to the catalog's count (Vega's own ticks for 0-16 stop at 15)."""
    step = max(1, math.ceil(criteria / 4))
    return alt.Legend(title=title, orient="top", values=[*range(0, criteria, step), criteria], **options)


def _unique_labels(names: pd.Series, codes: pd.Series) -> pd.Series:
    """Names, with the code added where two communes share a name (possible in national mode)."""
    shared = names.map(codes.groupby(names).nunique()) > 1
    return names.where(~shared, names + " (" + codes + ")")


def heatmap_chart(status: pd.DataFrame, lang: str) -> Chart:
    """Communes × criteria, one cell per status, rows in the order given (the page sorts them); a dot marks the
    cells whose figure comes from a submission pending review (status's review_status).

    Clicking a cell selects its commune (selection parameter "commune", field commune_code).
    """
    described = describe_status(status, lang)
    pending = status["review_status"] == ReviewStatus.PENDING
    rows = pd.DataFrame(
        {
            "commune_code": status["commune_code"],
            "commune": _unique_labels(status["commune_name"], status["commune_code"]),
            "criterion_code": status["criterion_code"],
            "criterion": described["name"],
            "status_text": [_status_text(s, lang) for s in status["status"]],
            "symbol": status["status"].map(STATUS_SYMBOLS),
            "value_text": described["value_text"],
            "target_text": described["target_text"],
            "gap_text": described["gap_text"],
            "date_text": described["date_text"],
            "pending": pending,
            "review_text": [review_label(r, lang) for r in status["review_status"]],
        }
    )
    communes = list(dict.fromkeys(rows["commune"]))
    criteria = list(dict.fromkeys(status.sort_values("position")["criterion_code"]))
    tooltip = [
        alt.Tooltip("commune:N", title=tr(lang, "Xã, phường", "Commune")),
        alt.Tooltip("criterion_code:N", title=tr(lang, "Mã", "Code")),
        alt.Tooltip("criterion:N", title=tr(lang, "Tiêu chí", "Criterion")),
        alt.Tooltip("status_text:N", title=tr(lang, "Trạng thái", "Status")),
        alt.Tooltip("value_text:N", title=tr(lang, "Giá trị", "Value")),
        alt.Tooltip("target_text:N", title=tr(lang, "Chỉ tiêu", "Target")),
        alt.Tooltip("gap_text:N", title=tr(lang, "Còn thiếu", "Gap")),
        alt.Tooltip("date_text:N", title=tr(lang, "Ngày báo cáo", "Reporting date")),
        alt.Tooltip("review_text:N", title=REVIEW.header(lang)),
    ]
    base = alt.Chart().encode(
        x=alt.X("criterion_code:N", sort=criteria, title=None, axis=alt.Axis(orient="top", labelAngle=-45)),
        y=alt.Y("commune:N", sort=communes, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        tooltip=tooltip,
    )
    pick = alt.selection_point(name="commune", fields=["commune_code"], on="click")
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "status_text:N",
            scale=_status_scale(lang),
            legend=alt.Legend(title=None, orient="top", direction="horizontal"),
        )
    )
    marks = base.mark_text(fontSize=15, color=INK).encode(text="symbol:N")
    layers = [cells.add_params(pick), marks]
    if pending.any():
        layers.append(_pending_dots(base, lang))
    chart = alt.layer(*layers, data=rows).properties(width=alt.Step(34), height=alt.Step(ROW_PX))
    return _finish(chart)


def _pending_dots(base: alt.Chart, lang: str) -> alt.Chart:
    """A white dot ringed in ink at the top right of each pending cell: it stands out on every status colour, on
    screen and on paper, and leaves the centre to the status symbol. Its legend entry names it."""
    label = review_label(ReviewStatus.PENDING, lang)
    return (
        base.transform_filter(alt.datum.pending)
        .mark_point(filled=False, fill="white", color=INK, strokeWidth=1.2, size=30, opacity=1, xOffset=11, yOffset=-3)
        .encode(
            shape=alt.Shape(
                "review_text:N",
                scale=alt.Scale(domain=[label], range=["circle"]),
                legend=alt.Legend(title=None, orient="top", symbolSize=40),
            )
        )
    )


def province_heatmap_chart(shares: pd.DataFrame, lang: str) -> Chart:
    """National mode: provinces × criteria, each cell the share of the province's communes green (with the %)."""
    rows = pd.DataFrame(
        {
            "province": shares["province_name"],
            "criterion_code": shares["criterion_code"],
            "criterion": shares[f"name_{lang}"],
            "share": shares["green_share"],
            # Rounded down: "100%" only when every commune meets the criterion.
            "share_text": [format_percent(math.floor(s * 100) / 100, lang) for s in shares["green_share"]],
            "count_text": [
                f"{format_number(g, lang)}/{format_number(n, lang)}"
                for g, n in zip(shares["green"], shares["communes"], strict=True)
            ],
        }
    )
    provinces = list(dict.fromkeys(rows["province"]))
    base = alt.Chart().encode(
        x=alt.X("criterion_code:N", title=None, axis=alt.Axis(orient="top", labelAngle=-45)),
        y=alt.Y("province:N", sort=provinces, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        tooltip=[
            alt.Tooltip("province:N", title=tr(lang, "Tỉnh, thành phố", "Province")),
            alt.Tooltip("criterion:N", title=tr(lang, "Tiêu chí", "Criterion")),
            alt.Tooltip("count_text:N", title=tr(lang, "Xã, phường đạt", "Communes met")),
            alt.Tooltip("share_text:N", title=tr(lang, "Tỉ lệ đạt", "Share met")),
        ],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "share:Q",
            scale=alt.Scale(domain=[0, 0.5, 1], range=[RED, MIDDLE, GREEN]),
            legend=alt.Legend(title=tr(lang, "Tỉ lệ đạt", "Share met"), format="%", orient="top", values=[0, 0.5, 1]),
        )
    )
    labels = base.mark_text(fontSize=9).encode(
        text="share_text:N",
        color=alt.condition(alt.datum.share >= 0.8, alt.value("white"), alt.value(INK)),
    )
    return _finish(alt.layer(cells, labels, data=rows).properties(width=alt.Step(40), height=alt.Step(ROW_PX + 2)))


def _date_format(dates: pd.Series, lang: str) -> str:
    """Day and month, with the year once the dates span more than twelve months (or "07/2025" would be
    ambiguous): then month and year."""
    days = pd.to_datetime(dates)
    if len(days) and days.max() - days.min() > pd.Timedelta(days=366):
        return "%m/%Y" if lang == "vi" else "%b %Y"
    return "%d/%m" if lang == "vi" else "%d %b"


def trend_chart(trend: pd.DataFrame, lang: str, criteria: int | None = None) -> Chart:
    """Week by week: share of communes fully green (solid, left axis) and average green criteria (dashed, right)."""
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(trend["date"]).dt.strftime("%Y-%m-%d"),
            "date_text": [format_date(d, lang) for d in trend["date"]],
            "fully_green_share": trend["fully_green_share"],
            "average_green": trend["average_green"],
            "share_text": [format_percent(s, lang, 1) for s in trend["fully_green_share"]],
            "average_text": [format_number(a, lang, 1) for a in trend["average_green"]],
        }
    )
    share_title = tr(lang, "Tỉ lệ xã, phường đạt đủ tiêu chí", "Communes fully green")
    average_title = tr(lang, "Số tiêu chí đạt trung bình", "Average green criteria")
    base = alt.Chart().encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format=_date_format(trend["date"], lang), labelAngle=0)),
        tooltip=[
            alt.Tooltip("date_text:N", title=tr(lang, "Ngày", "Date")),
            alt.Tooltip("share_text:N", title=share_title),
            alt.Tooltip("average_text:N", title=average_title),
        ],
    )
    share = base.mark_line(point=alt.OverlayMarkDef(color=GREEN), color=GREEN, strokeWidth=3).encode(
        y=alt.Y(
            "fully_green_share:Q",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%", title=share_title, titleColor=GREEN),
        )
    )
    average_scale = alt.Scale(domain=[0, criteria]) if criteria else alt.Scale(zero=True)
    average = base.mark_line(point=alt.OverlayMarkDef(shape="square", color=INK), color=INK, strokeDash=[6, 4]).encode(
        y=alt.Y(
            "average_green:Q",
            scale=average_scale,
            axis=alt.Axis(title=average_title, titleColor=INK, orient="right"),
        )
    )
    return _finish(
        alt.layer(share, average, data=rows).resolve_scale(y="independent").properties(height=300, width="container")
    )


def _tiles(names: pd.Series, kinds: pd.Series, green: pd.Series, criteria: int) -> pd.DataFrame:
    """Tile positions, most lagging first (top left), then by name."""
    order = pd.DataFrame({"name": names, "kind": kinds, "green": green}).sort_values(["green", "name"], kind="stable")
    position = pd.Series(range(len(order)), index=order.index)
    return pd.DataFrame(
        {
            "label": [short_name(n, k) for n, k in zip(names, kinds, strict=True)],
            "column": position % TILE_COLUMNS,
            "row": position // TILE_COLUMNS,
            "dark": green >= criteria * 0.75,
        }
    )


def tile_map_chart(communes: pd.DataFrame, lang: str, criteria: int) -> Chart:
    """One tile per commune coloured by its green count (0 → `criteria`, the catalog's number, ending in green),
    most lagging first.

    Clicking a tile selects its commune (selection parameter "commune", field commune_code).
    """
    tiles = _tiles(communes["commune_name"], communes["commune_kind"], communes["green"], criteria)
    rows = tiles.assign(
        commune_code=communes["commune_code"],
        commune=communes["commune_name"],
        green=communes["green"],
        count_text=[f"{g}/{criteria}" for g in communes["green"]],
        red=communes["red"],
        grey=communes["grey"],
        date_text=[format_date(None if pd.isna(d) else d, lang) for d in communes["reporting_date"]],
    )
    base = alt.Chart().encode(
        x=alt.X("column:O", axis=None),
        y=alt.Y("row:O", axis=None),
        tooltip=[
            alt.Tooltip("commune:N", title=tr(lang, "Xã, phường", "Commune")),
            alt.Tooltip("count_text:N", title=tr(lang, "Tiêu chí đạt", "Criteria met")),
            alt.Tooltip("red:Q", title=status_label("red", lang)),
            alt.Tooltip("grey:Q", title=status_label("grey", lang)),
            alt.Tooltip("date_text:N", title=tr(lang, "Ngày báo cáo", "Reporting date")),
        ],
    )
    pick = alt.selection_point(name="commune", fields=["commune_code"], on="click")
    text_colour = alt.condition(alt.datum.dark, alt.value("white"), alt.value(INK))
    cells = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        color=alt.Color(
            "green:Q",
            scale=_green_scale(criteria),
            legend=_green_legend(tr(lang, "Số tiêu chí đạt", "Criteria met"), criteria, gradientLength=240),
        )
    )
    names = base.mark_text(fontSize=10, dy=-7, limit=92).encode(text="label:N", color=text_colour)
    counts = base.mark_text(fontSize=11, fontWeight="bold", dy=8).encode(text="count_text:N", color=text_colour)
    chart = alt.layer(cells.add_params(pick), names, counts, data=rows).properties(
        width=alt.Step(98), height=alt.Step(44)
    )
    return _finish(chart)


def province_tile_chart(provinces: pd.DataFrame, lang: str, criteria: int) -> Chart:
    """National mode: one tile per province coloured by its average green count, most lagging first."""
    names = provinces["province_name"]
    tiles = _tiles(names, pd.Series("", index=provinces.index), provinces["average_green"], criteria)
    rows = tiles.assign(
        label=[short_name(short_name(n, "Tỉnh"), "Thành phố") for n in provinces["province_name"]],
        province=provinces["province_name"],
        average_green=provinces["average_green"],
        count_text=[format_number(a, lang, 1) for a in provinces["average_green"]],
        fully_text=[
            f"{format_number(f, lang)}/{format_number(n, lang)}"
            for f, n in zip(provinces["fully_green"], provinces["communes"], strict=True)
        ],
    )
    base = alt.Chart().encode(
        x=alt.X("column:O", axis=None),
        y=alt.Y("row:O", axis=None),
        tooltip=[
            alt.Tooltip("province:N", title=tr(lang, "Tỉnh, thành phố", "Province")),
            alt.Tooltip("count_text:N", title=tr(lang, "Số tiêu chí đạt trung bình", "Average green criteria")),
            alt.Tooltip("fully_text:N", title=tr(lang, "Xã, phường đạt đủ", "Communes fully green")),
        ],
    )
    text_colour = alt.condition(alt.datum.dark, alt.value("white"), alt.value(INK))
    cells = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        color=alt.Color(
            "average_green:Q",
            scale=_green_scale(criteria),
            legend=_green_legend(tr(lang, "Số tiêu chí đạt trung bình", "Average green criteria"), criteria),
        )
    )
    names = base.mark_text(fontSize=10, dy=-7, limit=92).encode(text="label:N", color=text_colour)
    counts = base.mark_text(fontSize=11, fontWeight="bold", dy=8).encode(text="count_text:N", color=text_colour)
    return _finish(alt.layer(cells, names, counts, data=rows).properties(width=alt.Step(98), height=alt.Step(44)))


def gap_chart(criteria: pd.DataFrame, lang: str) -> Chart:
    """Per criterion: communes not green (bars, most first), labelled with the total gap in its unit."""
    unit = f"unit_{lang}"
    rows = pd.DataFrame(
        {
            "criterion_code": criteria["criterion_code"],
            "criterion": criteria["criterion_code"] + " · " + criteria[f"name_{lang}"],
            "kind": criteria["kind"],
            "unit": criteria[unit],
            "not_green": criteria["not_green"],
            "red": criteria["red"],
            "grey": criteria["grey"],
            "overdue": criteria["overdue"],
            "gap_text": total_gaps(criteria, lang),
            "deadline_text": [format_date(d, lang) for d in criteria["deadline"]],
        }
    ).sort_values(["not_green", "criterion_code"], ascending=[False, True])
    # The gap text of a criterion without a unit already counts communes; say the number once.
    rows["label"] = [
        g if k == "yes_no" or not u or n == 0 else f"{format_number(n, lang)} · {g}"
        for k, u, n, g in zip(rows["kind"], rows["unit"], rows["not_green"], rows["gap_text"], strict=True)
    ]
    base = alt.Chart().encode(
        y=alt.Y("criterion:N", sort=rows["criterion"].tolist(), title=None, axis=alt.Axis(labelLimit=340)),
        x=alt.X(
            "not_green:Q",
            title=tr(lang, "Số xã, phường chưa đạt", "Communes not met"),
            # Room on the right for the longest label.
            scale=alt.Scale(domain=[0, max(1, int(rows["not_green"].max() * 1.3))], nice=True),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        tooltip=[
            alt.Tooltip("criterion:N", title=tr(lang, "Tiêu chí", "Criterion")),
            alt.Tooltip("red:Q", title=status_label("red", lang)),
            alt.Tooltip("grey:Q", title=status_label("grey", lang)),
            alt.Tooltip("gap_text:N", title=tr(lang, "Tổng còn thiếu", "Total gap")),
            alt.Tooltip("deadline_text:N", title=tr(lang, "Hạn", "Deadline")),
            alt.Tooltip("overdue:Q", title=tr(lang, "Quá hạn", "Overdue")),
        ],
    )
    bars = base.mark_bar(color=RED, height=alt.RelativeBandSize(0.7))
    labels = base.mark_text(align="left", dx=4, color=INK).encode(text="label:N")
    return _finish(alt.layer(bars, labels, data=rows).properties(height=alt.Step(26), width="container"))


def timeliness_chart(per_criterion: pd.DataFrame, lang: str, wrap: int | None = None) -> Chart:
    """One stacked bar per criterion (catalog order): communes on time, late, in progress and overdue
    (queries.overview's "timeliness_by_criterion"). With `wrap`, criterion labels break into lines of at most that
    many characters instead of being cut short (on paper, where the width is fixed)."""
    labels = {key: timeliness_label(key, lang) for key in TIMELINESS_COLOURS}
    names = per_criterion["criterion_code"] + " · " + per_criterion[f"name_{lang}"]
    if wrap:
        names = names.map(lambda name: "\n".join(textwrap.wrap(name, wrap)))
        # A label of two lines is moved up half a line, centring it on its bar.
        axis = alt.Axis(
            labelLimit=0,
            labelExpr="split(datum.label, '\\n')",
            labelLineHeight=12,
            labelOffset={"condition": {"test": "indexof(datum.label, '\\n') >= 0", "value": -6}, "value": 0},
        )
    else:
        axis = alt.Axis(labelLimit=340)
    rows = per_criterion.assign(criterion=names)
    long = rows.melt(id_vars=["criterion", "position"], value_vars=list(labels), var_name="key", value_name="n")
    long["timeliness"] = long["key"].map(labels)
    long["order"] = long["key"].map({key: i for i, key in enumerate(labels)})
    order = rows.sort_values("position")["criterion"].tolist()
    chart = (
        alt.Chart(long)
        .mark_bar(height=alt.RelativeBandSize(0.7))
        .encode(
            y=alt.Y("criterion:N", sort=order, title=None, axis=axis),
            x=alt.X("n:Q", stack="zero", title=tr(lang, "Số xã, phường", "Communes"), axis=alt.Axis(format="d")),
            color=alt.Color(
                "timeliness:N",
                scale=alt.Scale(domain=list(labels.values()), range=list(TIMELINESS_COLOURS.values())),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("criterion:N", title=tr(lang, "Tiêu chí", "Criterion")),
                alt.Tooltip("timeliness:N", title=tr(lang, "Tiến độ", "Timeliness")),
                alt.Tooltip("n:Q", title=tr(lang, "Số xã, phường", "Communes")),
            ],
        )
        .properties(height=alt.Step(22), width="container")
    )
    return _finish(chart)


@cache
def _register_font() -> None:
    vl_convert.register_font_directory(str(Path(fontpkg_be_vietnam_pro.__file__).parent / "files"))


def warm_up() -> None:
    """Start vl-convert's JavaScript engine, which the first conversion in a process waits for (≈ 0.5 s of CPU): the
    app does it once at start, in the background, so that no one's first PDF pays for it."""
    vl_convert.vegalite_to_svg({"mark": "point"})


def to_png(chart: Chart, scale: float = 2) -> bytes:
    """Render without a browser or network, in Be Vietnam Pro (else Vietnamese silently falls back to a serif)."""
    _register_font()
    spec = vega_lite(chart)
    spec["datasets"] = {name: _records(d) if isinstance(d, pd.DataFrame) else d for name, d in spec["datasets"].items()}
    if spec.get("width") == "container":
        spec["width"] = 720
    return vl_convert.vegalite_to_png(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0], scale=scale)


def commune_trend_chart(trend: pd.DataFrame, lang: str, criteria: int) -> Chart:
    """One commune's green count at each reporting date (queries.commune_trend)."""
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(trend["date"]).dt.strftime("%Y-%m-%d"),
            "date_text": [format_date(d, lang) for d in trend["date"]],
            "green": trend["green"],
            "count_text": [f"{g}/{criteria}" for g in trend["green"]],
        }
    )
    title = tr(lang, "Số tiêu chí đạt", "Criteria met")
    chart = (
        alt.Chart(rows)
        .mark_line(point=alt.OverlayMarkDef(color=GREEN), color=GREEN, strokeWidth=3, interpolate="step-after")
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                axis=alt.Axis(
                    format=_date_format(trend["date"], lang), labelAngle=0, labelOverlap="greedy", labelSeparation=8
                ),
            ),
            y=alt.Y("green:Q", title=title, scale=alt.Scale(domain=[0, criteria]), axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("date_text:N", title=tr(lang, "Ngày báo cáo", "Reporting date")),
                alt.Tooltip("count_text:N", title=title),
            ],
        )
        .properties(height=260, width="container")
    )
    return _finish(chart)


# Task classes (readiness.reading.tasks): done on time and late in the two greens of timeliness, in progress
# within the deadline pale amber, overdue as "not met", continuous grey.
TASK_CLASS_COLOURS = {"on_time": GREEN, "late": "#8CC5AE", "within": MIDDLE, "overdue": RED, "continuous": GREY}


def task_class_chart(headline: pd.DataFrame, lang: str) -> Chart:
    """Stacked bars of task classes, one bar per row of views.tasks.headline (all tasks, each level, each
    objective), each segment labelled in the legend and tooltip."""
    classes = list(TASK_CLASS_COLOURS)
    long = headline.melt(id_vars=["row"], value_vars=classes, var_name="task_class", value_name="tasks")
    long["label"] = [task_class_label(c, lang) for c in long["task_class"]]
    long["order"] = long["task_class"].map({c: i for i, c in enumerate(classes)})
    labels = [task_class_label(c, lang) for c in classes]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("row:N", sort=list(headline["row"]), title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("tasks:Q", title=tr(lang, "Số nhiệm vụ", "Tasks")),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=labels, range=list(TASK_CLASS_COLOURS.values())),
                legend=alt.Legend(title=None, orient="bottom", columns=3),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("row:N", title=tr(lang, "Nhóm", "Group")),
                alt.Tooltip("label:N", title=tr(lang, "Tình trạng", "Status")),
                alt.Tooltip("tasks:Q", title=tr(lang, "Số nhiệm vụ", "Tasks")),
            ],
        )
        .properties(height=max(120, 26 * len(headline)))
    )
    return _finish(chart)
