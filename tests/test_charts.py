"""Chart builders: what the specs say (data, order, formats, colours, words) and that they render to PNG."""

import io
import json
from datetime import UTC, date, datetime

import altair as alt
import jsonschema
import pandas as pd
import pytest
from conftest import submit
from PIL import Image

from readiness.core import db
from readiness.core.i18n import timeliness_label
from readiness.outputs import charts, maps
from readiness.reading import queries

AS_OF = date(2025, 9, 20)


@pytest.fixture
def status(demo_sqlite) -> pd.DataFrame:
    with db.session() as session:
        return queries.status(session, AS_OF, "01")


def _values(spec: dict, data: dict | None = None) -> list[dict]:
    """The rows behind a spec (charts.vega_lite names every data frame in the top-level datasets)."""
    data = data or spec.get("data") or next(layer["data"] for layer in spec["layer"] if "data" in layer)
    if "values" in data:
        return data["values"]
    rows = spec["datasets"][data["name"]]
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_heatmap_has_one_cell_per_commune_and_criterion_with_words_and_vietnamese_formats(status):
    spec = charts.vega_lite(charts.heatmap_chart(status, "vi"))
    values = _values(spec)
    assert len(values) == 126 * 16
    assert spec["config"]["font"].startswith("Be Vietnam Pro,")
    assert spec["height"]["step"] >= 14
    cell = next(v for v in values if v["commune"] == "Phường Hoàn Kiếm" and v["criterion_code"] == "TC03")
    assert cell["date_text"] == "20/09/2025"
    assert cell["target_text"] == "≥ 100%"
    # A ratio with a count reads "met/total unit (share)"; the status is in words, not colour alone.
    assert "máy tính" in cell["value_text"] and "/" in cell["value_text"]
    said = {v["status_text"] for v in values}
    assert said and said <= {"Đạt", "× Chưa đạt", "? Chưa báo cáo"}
    red = [v for v in values if v["status_text"] == "× Chưa đạt"]
    assert red and all(v["symbol"] == "×" and v["gap_text"] != "không thiếu" for v in red)
    cells = _layers(spec)[0]
    assert cells["encoding"]["y"]["axis"]["labelOverlap"] is False
    tooltip_fields = {t["field"] for t in cells["encoding"]["tooltip"]}
    assert {"value_text", "target_text", "gap_text", "date_text"} <= tooltip_fields
    colour = cells["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True))["Đạt"] == charts.GREEN
    assert spec["params"][0]["name"] == "commune"


def test_heatmap_keeps_the_row_order_it_is_given_and_speaks_english(status):
    ordered = status.sort_values(["commune_name", "position"], ascending=[False, True])
    spec = charts.vega_lite(charts.heatmap_chart(ordered, "en"))
    sort = _layers(spec)[0]["encoding"]["y"]["sort"]
    assert sort == list(dict.fromkeys(ordered["commune_name"]))
    values = _values(spec)
    said = {v["status_text"] for v in values}
    assert said and said <= {"Met", "× Not met", "? Not reported"}
    assert values[0]["date_text"] == "20 Sep 2025"


def test_heatmap_shows_grey_cells_for_communes_that_never_reported(initialized):
    with db.session() as session:
        frame = queries.status(session, AS_OF, "01")
    values = _values(charts.vega_lite(charts.heatmap_chart(frame, "vi")))
    assert {v["status_text"] for v in values} == {"? Chưa báo cáo"}
    assert {v["value_text"] for v in values} == {"–"}


def _pending_dots(spec: dict) -> list[dict]:
    return [layer for layer in _layers(spec) if layer["mark"]["type"] == "point"]


def test_heatmap_marks_exactly_the_cells_whose_figures_are_pending_review(demo_sqlite):
    with db.session() as session:
        approved = queries.status(session, AS_OF, "01")
    assert not _pending_dots(charts.vega_lite(charts.heatmap_chart(approved, "vi")))  # demo data: all approved

    # 00070's figures now come from a pending submission; 00073's pending one is older than its approved one.
    submit("00070", AS_OF, {"TC01": 1, "TC02": 50}, received=datetime(2025, 9, 20, 23, tzinfo=UTC))
    submit("00073", date(2025, 9, 19), {"TC01": 0})
    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
    expected = {("00070", code) for code in status["criterion_code"].unique()}
    chart = charts.heatmap_chart(status, "vi")
    spec = charts.vega_lite(chart)
    (dots,) = _pending_dots(spec)
    assert dots["transform"] == [{"filter": "datum.pending"}]
    values = _values(spec)
    assert {(v["commune_code"], v["criterion_code"]) for v in values if v["pending"]} == expected
    assert {v["review_text"] for v in values if v["pending"]} == {"Chờ duyệt"}
    assert {v["review_text"] for v in values if not v["pending"]} == {"Đã duyệt"}
    assert dots["encoding"]["shape"]["scale"]["domain"] == ["Chờ duyệt"]  # the legend says what a dot means
    records = {name: rows.to_dict("records") for name, rows in spec["datasets"].items()}
    alt.LayerChart.from_dict({**spec, "datasets": records}, validate=True)
    assert Image.open(io.BytesIO(charts.to_png(chart, scale=1))).size[0] > 500


def test_tile_map_puts_the_most_lagging_commune_first_on_a_scale_ending_in_green(status):
    communes = queries.by_commune(status)
    spec = charts.vega_lite(charts.tile_map_chart(communes, "vi", status["criterion_code"].nunique()))
    values = _values(spec)
    assert len(values) == 126
    first = next(v for v in values if v["row"] == 0 and v["column"] == 0)
    assert first["green"] == communes["green"].min()
    assert first["count_text"] == f"{communes['green'].min()}/16"
    # Rows run from most lagging to greenest.
    by_position = sorted(values, key=lambda v: (v["row"], v["column"]))
    assert [v["green"] for v in by_position] == sorted(v["green"] for v in values)
    scale = _layers(spec)[0]["encoding"]["color"]["scale"]
    assert scale["range"][-1] == charts.GREEN and scale["domain"] == [0, 8, 16]
    assert not any(v["label"].startswith(("Phường ", "Xã ")) for v in values)


def _legend_labels(chart: alt.TopLevelMixin) -> list[str]:
    """The labels of the colour legend as drawn (rendered to SVG by Vega)."""
    import re

    import vl_convert

    spec = charts.vega_lite(chart)
    spec["datasets"] = {
        name: json.loads(d.to_json(orient="records", date_format="iso")) if isinstance(d, pd.DataFrame) else d
        for name, d in spec["datasets"].items()
    }
    svg = vl_convert.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0])
    legend = svg[svg.index("role-legend") :]
    labels = legend[legend.index("role-legend-label") :]
    return re.findall(r"<text[^>]*>([^<]*)</text>", labels[: labels.index("role-legend-title")])


def test_green_count_legends_run_from_zero_to_the_catalogs_count(status):
    import geodata

    communes = queries.by_commune(status)
    shapes = json.loads(geodata.feature_collection(geodata.hanoi_communes()))
    shapes["bbox"] = [105.28, 20.56, 106.02, 21.40]
    for chart in (
        charts.tile_map_chart(communes, "vi", 16),
        maps.choropleth_chart(shapes, communes, status, "vi", 16),
    ):
        labels = _legend_labels(chart)
        assert labels[0] == "0" and labels[-1] == "16", labels


def test_gap_chart_sorts_by_communes_not_green_and_says_the_gap_in_its_unit(status):
    criteria = queries.by_criterion(status)
    values = _values(charts.vega_lite(charts.gap_chart(criteria, "vi")))
    counts = [v["not_green"] for v in values]
    assert counts == sorted(counts, reverse=True)
    tc03 = next(v for v in values if v["criterion_code"] == "TC03")
    row = criteria.set_index("criterion_code").loc["TC03"]
    assert tc03["label"] == f"{row['not_green']} · {int(row['gap'])} máy tính"


def test_trend_chart_plots_both_series_with_localised_tooltips(demo_sqlite):
    with db.session() as session:
        trend = queries.trend(session, AS_OF, "01")
    spec = charts.vega_lite(charts.trend_chart(trend, "vi", criteria=16))
    values = _values(spec)
    assert len(values) == len(trend)
    assert values[0]["date_text"] == "01/07/2025"
    assert spec["resolve"]["scale"]["y"] == "independent"
    fields = [layer["encoding"]["y"]["field"] for layer in spec["layer"]]
    assert fields == ["fully_green_share", "average_green"]
    assert spec["layer"][1]["encoding"]["y"]["scale"]["domain"] == [0, 16]
    last = values[-1]
    assert last["share_text"].endswith("%") and "," in last["average_text"]


def _square(x: float, y: float, code: str) -> dict:
    # As readiness.intake.geo stores features: property `code`, clockwise rings, a bbox on the collection.
    ring = [[x, y], [x, y + 0.01], [x + 0.01, y + 0.01], [x + 0.01, y], [x, y]]
    return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _squares(codes: list[str]) -> dict:
    features = [_square(105.8 + i * 0.01, 21.0, code) for i, code in enumerate(codes)]
    return {"type": "FeatureCollection", "features": features, "bbox": [105.8, 21.0, 105.8 + len(codes) * 0.01, 21.01]}


def test_choropleth_looks_up_each_feature_with_its_lagging_criteria_and_a_click_selects_the_commune(status):
    communes = queries.by_commune(status)
    geojson = _squares(list(communes["commune_code"][:5]))
    spec = charts.vega_lite(maps.choropleth_chart(geojson, communes, status, "vi", status["criterion_code"].nunique()))
    assert spec["mark"]["type"] == "geoshape"
    lookup = spec["transform"][0]
    assert lookup["lookup"] == "properties.code"
    rows = {r["commune_code"]: r for r in _values(spec, lookup["from"]["data"])}
    assert len(rows) == 126 and len(_values(spec)) == 5
    hoan_kiem = status[status["commune_code"] == "00070"].sort_values("position")
    behind = hoan_kiem[hoan_kiem["status"] != "green"]["criterion_code"].tolist()
    assert behind and rows["00070"]["lagging"] == ", ".join(behind)
    assert rows["00070"]["count_text"] == f"{16 - len(behind)}/16"
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == [
        "commune",
        "commune_code",
        "count_text",
        "lagging",
        "date_text",
    ]
    assert spec["params"][0]["name"] == "commune"
    assert spec["params"][0]["select"]["fields"] == ["commune_code"]
    # A wide, flat area gets the lowest height, not a square frame.
    assert spec["width"] == maps.MAP_WIDTH and spec["height"] == maps.MAP_HEIGHTS[0]


class _WatchedFeatures(list):
    """A feature list that counts the passes over it."""

    passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()


def test_building_a_map_does_not_walk_the_boundary_file(status):
    """Altair's check of a new InlineData walked every vertex of the file at each run of the map page (≈ 0.7 s of
    CPU for Hà Nội): the chart is built without a pass over the features; the spec sent still holds them all."""
    communes = queries.by_commune(status)
    geojson = _squares(list(communes["commune_code"][:5]))
    geojson["features"] = features = _WatchedFeatures(geojson["features"])
    chart = maps.choropleth_chart(geojson, communes, status, "vi", 16)
    assert features.passes == 0
    assert len(_values(charts.vega_lite(chart))) == 5


def test_choropleth_by_one_criterion_colours_by_its_status_in_words(status):
    communes = queries.by_commune(status)
    spec = maps.choropleth_chart(
        _squares(list(communes["commune_code"][:5])), communes, status, "en", status["criterion_code"].nunique(), "TC03"
    ).to_dict()
    rows = {r["commune_code"]: r for r in _values(spec, spec["transform"][0]["from"]["data"])}
    tc03 = status[status["criterion_code"] == "TC03"].set_index("commune_code")["status"]
    words = {"green": "Met", "red": "× Not met", "grey": "? Not reported"}
    colours = {rows[c]["colour_value"] for c in rows}
    assert colours and colours <= set(words.values())
    assert all(rows[c]["colour_value"] == words[tc03[c]] for c in rows)
    colour = spec["encoding"]["color"]["condition"]
    assert colour["type"] == "nominal" and colour["scale"]["range"] == [charts.GREEN, charts.RED, charts.GREY]


def test_province_map_colours_provinces_by_average_green_and_a_click_selects_the_province(status):
    provinces = queries.by_province(status)
    geojson = _squares(["01"])
    spec = charts.vega_lite(maps.province_map_chart(geojson, provinces, "vi", 16))
    rows = _values(spec, spec["transform"][0]["from"]["data"])
    assert rows[0]["province_code"] == "01" and rows[0][
        "average_text"
    ] == f"{provinces['average_green'][0]:.1f}".replace(".", ",")
    assert spec["params"][0]["name"] == "province"
    assert spec["params"][0]["select"]["fields"] == ["province_code"]
    png = charts.to_png(maps.province_map_chart(geojson, provinces, "vi", 16), scale=1)
    assert Image.open(io.BytesIO(png)).size[0] >= maps.MAP_WIDTH


def test_to_png_renders_a_non_empty_image_at_the_requested_scale(status):
    chart = charts.gap_chart(queries.by_criterion(status), "vi")
    small = Image.open(io.BytesIO(charts.to_png(chart, scale=1)))
    large = Image.open(io.BytesIO(charts.to_png(chart, scale=2)))
    assert small.format == "PNG" and small.size[0] > 400 and small.size[1] > 300
    assert large.size[0] == pytest.approx(2 * small.size[0], abs=2)
    # Not a blank canvas: the bars and labels put many colours on it.
    assert len(small.convert("RGB").getcolors(maxcolors=100_000) or []) > 20


def test_choropleth_by_one_criterion_against_its_deadline(status):
    with db.session() as session:
        timely = queries.timeliness(session, AS_OF, "01")
    communes = queries.by_commune(status)
    spec = maps.choropleth_chart(
        _squares(list(communes["commune_code"][:5])),
        communes,
        status,
        "vi",
        status["criterion_code"].nunique(),
        "TC02",
        timely,
    ).to_dict()
    rows = {r["commune_code"]: r["colour_value"] for r in _values(spec, spec["transform"][0]["from"]["data"])}
    tc02 = timely[timely["criterion_code"] == "TC02"].set_index("commune_code")["timeliness"]
    assert rows == {code: timeliness_label(value, "vi") for code, value in tc02.items()}
    assert len(set(rows.values())) >= 2  # a mix as of 20/09/2025, not one colour
    colour = spec["encoding"]["color"]["condition"]
    assert colour["scale"]["domain"] == [timeliness_label(k, "vi") for k in charts.TIMELINESS_COLOURS]
    assert colour["scale"]["range"] == list(charts.TIMELINESS_COLOURS.values())


def test_the_drawn_spec_is_valid_vega_lite_with_every_frame_as_a_named_dataset(status):
    """charts.vega_lite skips Altair's schema check at page runs; the specs it gives must still pass it."""
    built = charts.heatmap_chart(status, "vi")
    spec = charts.vega_lite(built)
    frames = {name: rows for name, rows in spec["datasets"].items() if isinstance(rows, pd.DataFrame)}
    assert [len(rows) for rows in frames.values()] == [126 * 16]
    spec["datasets"] = {name: rows.to_dict("records") for name, rows in frames.items()}
    alt.LayerChart.from_dict(spec, validate=True)
    with pytest.raises(jsonschema.ValidationError, match="'tall' is not of type 'number'"):
        alt.LayerChart.from_dict({**spec, "height": {"step": "tall"}}, validate=True)
