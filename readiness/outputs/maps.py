"""Boundary maps shared by the map page and the PDF: communes or provinces drawn from a stored boundary file
(readiness.intake.geo) and coloured as the other charts of readiness.outputs.charts."""

import math

import altair as alt
import pandas as pd

from readiness.core.i18n import format_date, format_number, timeliness_label, tr
from readiness.outputs.charts import (
    TIMELINESS_COLOURS,
    Chart,
    _finish,
    _green_legend,
    _green_scale,
    _records,
    _status_scale,
    _status_text,
)
from readiness.outputs.views.palette import GREY

# Largest and smallest height of a boundary map, in px, whatever the area's shape.
MAP_WIDTH = 720
MAP_HEIGHTS = (320, 900)


def _lagging_criteria(status: pd.DataFrame) -> pd.Series:
    """Per commune: the codes of its criteria not green, in catalog order ("C03, C07"), or "–"."""
    behind = status[status["status"] != "green"].sort_values("position")
    lagging = behind.groupby("commune_code")["criterion_code"].agg(", ".join)
    return lagging.reindex(status["commune_code"].unique(), fill_value="–")


def _inline(values: list) -> alt.InlineData:
    """Inline data given after construction: Altair checks a new InlineData against the schema, walking every
    vertex of the boundary file (≈ 0.7 s of CPU for Hà Nội's 126 communes, at each run of the map page). The
    features were checked and normalised when the file was loaded."""
    data = alt.InlineData(values=[])
    data.values = values
    return data


def _boundary_map(geojson: dict, lookup: pd.DataFrame, color: alt.Color, tooltip: list, pick: str) -> Chart:
    """Features drawn with Vega's geoshape, each looked up by its `code` property in `lookup` (column code); a
    click selects the feature (selection parameter `pick`, field `pick`_code). The geometry must be normalised by
    readiness.intake.geo (rings wound for d3-geo, simplified), as every stored boundary file is."""
    fields = [c for c in lookup.columns if c != "code"]
    shapes = alt.Chart(_inline(geojson["features"])).transform_lookup(
        lookup="properties.code", from_=alt.LookupData(alt.InlineData(values=_records(lookup)), "code", fields)
    )
    selection = alt.selection_point(name=pick, fields=[f"{pick}_code"], on="click")
    xmin, ymin, xmax, ymax = geojson["bbox"]
    aspect = (ymax - ymin) / max((xmax - xmin) * math.cos(math.radians((ymin + ymax) / 2)), 1e-9)
    height = int(min(max(MAP_WIDTH * aspect, MAP_HEIGHTS[0]), MAP_HEIGHTS[1]))
    chart = (
        shapes.mark_geoshape(stroke="white", strokeWidth=0.6)
        .encode(color=alt.condition("isValid(datum.colour_value)", color, alt.value(GREY)), tooltip=tooltip)
        .add_params(selection)
        .project(type="mercator")
        .properties(width=MAP_WIDTH, height=height)
    )
    return _finish(chart)


def choropleth_chart(
    geojson: dict,
    communes: pd.DataFrame,
    status: pd.DataFrame,
    lang: str,
    criteria: int,
    criterion: str | None = None,
    timeliness: pd.DataFrame | None = None,
) -> Chart:
    """Commune boundaries coloured by green count (of `criteria`, the catalog's number) like the tile map, or with
    `criterion` by that criterion's status, or (given queries.timeliness) by its timeliness: on time, late, in
    progress, overdue. Tooltip: name, code, green count, the criteria not yet green. Clicking a commune selects it
    (selection parameter "commune", field commune_code); communes without data are grey."""
    lagging = _lagging_criteria(status)
    lookup = pd.DataFrame(
        {
            "code": communes["commune_code"],
            "commune_code": communes["commune_code"],
            "commune": communes["commune_name"],
            "count_text": [f"{g}/{criteria}" for g in communes["green"]],
            "lagging": lagging.reindex(communes["commune_code"]).fillna("–").to_numpy(),
            "date_text": [format_date(None if pd.isna(d) else d, lang) for d in communes["reporting_date"]],
        }
    )
    if criterion is None:
        lookup["colour_value"] = communes["green"].to_numpy()
        color = alt.Color(
            "colour_value:Q",
            scale=_green_scale(criteria),
            legend=_green_legend(tr(lang, "Số tiêu chí đạt", "Criteria met"), criteria),
        )
    elif timeliness is None:
        one = status[status["criterion_code"] == criterion].set_index("commune_code")["status"]
        lookup["colour_value"] = [_status_text(one[c], lang) for c in communes["commune_code"]]
        color = alt.Color(
            "colour_value:N",
            scale=_status_scale(lang),
            legend=alt.Legend(title=criterion, orient="top", direction="horizontal"),
        )
    else:
        one = timeliness[timeliness["criterion_code"] == criterion].set_index("commune_code")["timeliness"]
        lookup["colour_value"] = [timeliness_label(one[c], lang) for c in communes["commune_code"]]
        labels = [timeliness_label(key, lang) for key in TIMELINESS_COLOURS]
        color = alt.Color(
            "colour_value:N",
            scale=alt.Scale(domain=labels, range=list(TIMELINESS_COLOURS.values())),
            legend=alt.Legend(title=criterion, orient="top", direction="horizontal"),
        )
    tooltip = [
        alt.Tooltip("commune:N", title=tr(lang, "Xã, phường", "Commune")),
        alt.Tooltip("commune_code:N", title=tr(lang, "Mã", "Code")),
        alt.Tooltip("count_text:N", title=tr(lang, "Tiêu chí đạt", "Criteria met")),
        alt.Tooltip("lagging:N", title=tr(lang, "Tiêu chí chưa đạt", "Criteria not met")),
        alt.Tooltip("date_text:N", title=tr(lang, "Ngày báo cáo", "Reporting date")),
    ]
    if criterion is not None:
        tooltip.insert(2, alt.Tooltip("colour_value:N", title=criterion))
    return _boundary_map(geojson, lookup, color, tooltip, "commune")


def province_map_chart(geojson: dict, provinces: pd.DataFrame, lang: str, criteria: int) -> Chart:
    """National mode: the 34 provinces coloured by their communes' average green count (as the province tiles).
    Clicking a province selects it (selection parameter "province", field province_code)."""
    lookup = pd.DataFrame(
        {
            "code": provinces["province_code"],
            "province_code": provinces["province_code"],
            "province": provinces["province_name"],
            "colour_value": provinces["average_green"],
            "average_text": [format_number(a, lang, 1) for a in provinces["average_green"]],
            "fully_text": [
                f"{format_number(f, lang)}/{format_number(n, lang)}"
                for f, n in zip(provinces["fully_green"], provinces["communes"], strict=True)
            ],
        }
    )
    color = alt.Color(
        "colour_value:Q",
        scale=_green_scale(criteria),
        legend=_green_legend(tr(lang, "Số tiêu chí đạt trung bình", "Average green criteria"), criteria),
    )
    tooltip = [
        alt.Tooltip("province:N", title=tr(lang, "Tỉnh, thành phố", "Province")),
        alt.Tooltip("province_code:N", title=tr(lang, "Mã", "Code")),
        alt.Tooltip("average_text:N", title=tr(lang, "Số tiêu chí đạt trung bình", "Average green criteria")),
        alt.Tooltip("fully_text:N", title=tr(lang, "Xã, phường đạt đủ", "Communes fully green")),
    ]
    return _boundary_map(geojson, lookup, color, tooltip, "province")
