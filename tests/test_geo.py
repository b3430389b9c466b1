"""Boundary GeoJSON: bounded reading, checks, normalisation (checked on the rendered image), storage with audit,
matching features to communes (by code, else by name), the province-level file."""

import io
import json
import unicodedata

import geodata
import numpy as np
import pytest
import shapely
import vl_convert
from alembic import command
from PIL import Image
from sqlalchemy import func, select, text

from readiness import bootstrap
from readiness.access.permissions import Actor, PermissionDenied
from readiness.cli import main
from readiness.core import db, registry
from readiness.core.i18n import today
from readiness.core.models import AuditEvent, Boundary, Role
from readiness.core.settings import get_settings
from readiness.intake import geo
from readiness.outputs import maps
from readiness.reading import queries

ADMIN = Actor("admin", Role.ADMIN)


def _square(x: float, properties: dict) -> dict:
    ring = [[x, 21.0], [x + 0.01, 21.0], [x + 0.01, 21.01], [x, 21.01], [x, 21.0]]
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _collection(*properties: dict) -> dict:
    return {"type": "FeatureCollection", "features": [_square(105.8 + i * 0.01, p) for i, p in enumerate(properties)]}


def _load(content: bytes | dict, level: str = "commune") -> geo.Report:
    if isinstance(content, dict):
        content = json.dumps(content).encode()
    with db.write_session() as session:
        return geo.load_boundaries(session, ADMIN, content, level)


def _stored_count() -> int:
    with db.session() as session:
        return session.execute(select(func.count(Boundary.id))).scalar_one()


def test_features_match_by_code_else_by_name_and_the_rest_is_listed(initialized):
    loaded = _load(
        _collection(
            {"MA_XA": 70, "TEN_XA": "hoan kiem"},  # a code whose name agrees
            {"ten_xa": unicodedata.normalize("NFD", "Phường Ba Đình")},  # decomposed text still matches
            {"name": "ngoc ha"},  # without kind or diacritics
            {"code": "00070"},  # Hoàn Kiếm a second time: listed, not drawn twice
            {"name": "Xã Không Có Thật"},
            {"other": "nothing to match"},
        )
    )
    with db.session() as session:
        stored = geo.boundaries(session, "01")
    codes = [f["properties"]["code"] for f in stored["features"]]
    assert codes == ["00070", "00004", "00008"]
    assert [f["properties"]["name"] for f in stored["features"]] == [
        "Phường Hoàn Kiếm",
        "Phường Ba Đình",
        "Phường Ngọc Hà",
    ]
    assert loaded.matched == 3
    assert loaded.unmatched_features == ["#4 (00070)", "Xã Không Có Thật", "#6"]
    assert len(loaded.without_boundary) == 126 - 3
    assert not set(codes) & set(loaded.without_boundary["code"])
    with db.session() as session:
        stored_status = geo.status(session, "01")
    assert (stored_status.matched, stored_status.unmatched_features) == (3, loaded.unmatched_features)
    assert stored_status.without_boundary.equals(loaded.without_boundary)


def test_load_stores_replaces_and_audits_and_changes_the_data_version(initialized):
    with db.session() as session:
        before = queries.data_version(session)
    _load(_collection({"ma_xa": "70"}))
    with db.session() as session:
        first = queries.data_version(session)
    _load(_collection({"ma_xa": "4"}, {"ma_xa": "8"}))
    with db.session() as session:
        stored = geo.boundaries(session, "01")
        events = session.execute(select(AuditEvent.action, AuditEvent.detail)).all()
        second = queries.data_version(session)
    assert _stored_count() == 1
    # A replaced file gets a new cache key, though SQLite gives the new row the deleted row's id.
    assert len({before, first, second}) == 3
    assert [f["properties"]["code"] for f in stored["features"]] == ["00004", "00008"]
    assert [tuple(e) for e in events] == [
        ("boundaries.load", "commune: 1 matched, 0 unmatched, 0 conflicts, 0 notes"),
        ("boundaries.load", "commune: 2 matched, 0 unmatched, 0 conflicts, 0 notes"),
    ]


def test_nothing_loaded_means_no_boundaries(initialized):
    with db.session() as session:
        assert geo.boundaries(session, "01") is None
        assert geo.status(session, "01") is None


def _feature(coordinates, kind: str = "Polygon", **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": {"type": kind, "coordinates": coordinates}}


def _file(*features: dict, **members) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **members}).encode()


RING = [[105.8, 21.0], [105.81, 21.0], [105.81, 21.01], [105.8, 21.0]]


@pytest.mark.parametrize(
    ("content", "vi", "en"),
    [
        (b"{not json", "không phải GeoJSON hợp lệ", "JSON error at line 1, column 2"),
        (b"\xff\xfe{}", "không phải văn bản UTF-8", "not UTF-8 text"),
        (json.dumps({"type": "Feature"}).encode(), "kiểu tìm thấy: Feature", "found type: Feature"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "rỗng", "empty"),
        (
            _file(_feature([RING], ma_xa="4"), _feature([1, 2], "Point", ma_xa="70")),
            "Đối tượng #2 (70) không có ranh giới dạng Polygon/MultiPolygon (kiểu: Point)",
            "Feature #2 (70) has no Polygon/MultiPolygon boundary (geometry type: Point)",
        ),
        (_file(_feature("abc", ma_xa="70")), "toạ độ không đúng dạng (abc)", "malformed coordinates (abc)"),
        (_file(_feature(["abc"], ma_xa="70")), "toạ độ không phải số", "coordinates are not numbers"),
        (
            _file(_feature([[[105.8, 21.0], [105.81], [105.81, 21.01], [105.8, 21.0]]], ten_xa="Xã A")),
            "Đối tượng Xã A: vòng toạ độ có vị trí không đều",
            "Feature Xã A: a ring has positions of unequal length",
        ),
        (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon",'
            b'"coordinates":[[[105.8,21.0],[NaN,21.0],[105.81,21.01],[105.8,21.0]]]}}]}',
            "giá trị NaN",
            "contains NaN",
        ),
        (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon",'
            b'"coordinates":[[[105.8,21.0],[-Infinity,21.0],[105.81,21.01],[105.8,21.0]]]}}]}',
            "giá trị -Infinity",
            "contains -Infinity",
        ),
        (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ma_xa":"4"},"geometry":'
            b'{"type":"Polygon","coordinates":[[[105.8,21.0],[1e999,21.0],[105.81,21.01],[105.8,21.0]]]}}]}',
            "NaN hoặc vô cực",
            "Feature #1 (4): a coordinate is NaN or infinite",
        ),
        (
            b'{"type":"FeatureCollection","features":[' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
            "lồng nhau quá sâu",
            "nests deeper than 32 levels",
        ),
        (
            _file(_feature([[[585000, 2320000], [586000, 2320000], [586000, 2321000], [585000, 2320000]]], ma_xa="4")),
            "VN-2000 hoặc UTM",
            "probably in VN-2000 or UTM",
        ),
        (
            _file(_feature([RING], ma_xa="4"), crs={"type": "name", "properties": {"name": "EPSG:3405"}}),
            "hệ toạ độ 'EPSG:3405'",
            "export it again in EPSG:4326",
        ),
        (_file(_feature([RING], ma_xa="99999")), "Không đối tượng nào", "No feature in the file matches"),
    ],
)
def test_bad_files_are_refused_with_a_specific_message_and_change_nothing(initialized, content, vi, en):
    with pytest.raises(geo.BoundaryError) as refused:
        _load(content)
    assert vi in refused.value.message("vi")
    assert en.lower() in refused.value.message("en").lower()
    assert _stored_count() == 0
    with db.session() as session:
        assert session.execute(select(func.count(AuditEvent.id))).scalar_one() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(initialized, monkeypatch):
    monkeypatch.setenv("READINESS_BOUNDARY_LIMIT_MB", "1")
    get_settings.cache_clear()
    content = geodata.feature_collection(geodata.hanoi_communes(spacing=0.0005))
    assert len(content) > 1024 * 1024
    with pytest.raises(geo.BoundaryError) as refused:
        _load(content)
    assert "over the 1 MB limit" in refused.value.message("en")
    assert _stored_count() == 0


def test_only_an_admin_may_load_boundaries(initialized):
    officer = Actor("officer", Role.OFFICER)
    with pytest.raises(PermissionDenied), db.write_session() as session:
        geo.load_boundaries(session, officer, json.dumps(_collection({"ma_xa": "70"})).encode())
    assert _stored_count() == 0


# Drawing: every variant a real file may come in draws the same picture -------------------------------------------

# Ba Đình: a 0.1° square with a hole in its middle; Hoàn Kiếm: a square and an island far to the north-east.
BA_DINH = shapely.Polygon(
    [(105.8, 21.0), (105.9, 21.0), (105.9, 21.1), (105.8, 21.1)],
    [[(105.84, 21.04), (105.86, 21.04), (105.86, 21.06), (105.84, 21.06)]],
)
HOAN_KIEM = shapely.MultiPolygon(
    [shapely.box(106.1, 21.0, 106.2, 21.1), shapely.box(106.3, 21.18, 106.32, 21.2)],
)
SQUARES = [({"ma_xa": "4", "ten_xa": "Phường Ba Đình"}, BA_DINH), ({"ma_xa": "70"}, HOAN_KIEM)]
# Filled share of the bounding box 105.8–106.32 × 21.0–21.2 (so small that Mercator is nearly linear).
EXPECTED_SHARE = (BA_DINH.area + HOAN_KIEM.area) / (0.52 * 0.2)


def _bow_tie() -> dict:
    # A self-intersecting ring, as hand-digitised files have: repaired, listed, drawn.
    ring = [[105.6, 21.0], [105.7, 21.1], [105.7, 21.0], [105.6, 21.1], [105.6, 21.0]]
    return _feature([ring], ma_xa="8", ten_xa="Phường Ngọc Hà")


def _variants() -> dict[str, bytes]:
    base = geodata.feature_collection(SQUARES)
    data = json.loads(base)
    data["features"] += [
        {"type": "Feature", "properties": {"ma_xa": "10"}, "geometry": None},
        _feature([], ma_xa="13"),
        _feature([[[106.0, 21.0], [106.01, 21.0], [106.0, 21.0], [106.0, 21.0]]], ma_xa="16"),
    ]
    return {
        "rfc7946": base,
        "legacy_clockwise": geodata.feature_collection(SQUARES, rfc7946=False),
        "with_height": geodata.feature_collection(SQUARES, height=True),
        "crs84_and_bom": geodata.feature_collection(SQUARES, crs="urn:ogc:def:crs:OGC:1.3:CRS84", bom=True),
        "epsg4326": geodata.feature_collection(SQUARES, crs="EPSG:4326"),
        "empty_and_degenerate_listed": json.dumps(data).encode(),
    }


def _drawn(shapes: dict, province: str = "01") -> np.ndarray:
    """The boundary map as the app draws it, every feature black without outline or legend: a boolean image of
    what is filled."""
    with db.session() as session:
        status = queries.status(session, today(), province)
    spec = maps.choropleth_chart(
        shapes, queries.by_commune(status), status, "vi", status["criterion_code"].nunique()
    ).to_dict()
    spec["encoding"]["color"] = {"value": "black"}
    spec["mark"].update(stroke=None, strokeWidth=0)
    spec["padding"] = 0
    png = vl_convert.vegalite_to_png(spec, scale=1)
    return np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 128


@pytest.mark.parametrize("variant", list(_variants()))
def test_each_kind_of_real_file_draws_the_communes_not_the_whole_frame(initialized, variant):
    loaded = _load(_variants()[variant])
    assert loaded.matched == 2
    if variant == "empty_and_degenerate_listed":
        assert [(n.feature, n.problem) for n in loaded.notes] == [
            ("#3 (10)", "empty"),
            ("#4 (13)", "empty"),
            ("#5 (16)", "degenerate"),
        ]
        assert "has no geometry (left out)" in loaded.notes[0].text("en")
    with db.session() as session:
        filled = _drawn(geo.boundaries(session, "01"))
    rows, columns = np.nonzero(filled)
    top, bottom, left, right = rows.min(), rows.max(), columns.min(), columns.max()
    box = filled[top : bottom + 1, left : right + 1]
    # Wound the other way, a polygon is the whole globe but itself: the frame fills (share ≈ 1).
    assert box.mean() == pytest.approx(EXPECTED_SHARE, abs=0.02)
    assert filled.mean() < 0.3

    def pixel(lon: float, lat: float) -> bool:
        x = left + (lon - 105.8) / 0.52 * (right - left)
        y = bottom - (lat - 21.0) / 0.2 * (bottom - top)
        return bool(filled[round(y), round(x)])

    assert pixel(105.82, 21.02) and pixel(106.15, 21.05) and pixel(106.31, 21.19)  # squares and the island
    assert not pixel(105.85, 21.05)  # the hole
    assert not pixel(106.0, 21.05) and not pixel(106.25, 21.15)  # between communes and out at sea


def test_a_self_intersecting_boundary_is_repaired_and_listed(initialized):
    loaded = _load(_file(_bow_tie(), _feature([RING], ma_xa="4")))
    assert [(n.feature, n.problem) for n in loaded.notes] == [("Phường Ngọc Hà (8)", "repaired")]
    assert "invalid shape (self-intersecting, a hole outside…), repaired automatically" in loaded.notes[0].text("en")
    with db.session() as session:
        stored = geo.boundaries(session, "01")
        assert [n.problem for n in geo.status(session, "01").notes] == ["repaired"]
    shape = shapely.from_geojson(json.dumps(stored["features"][0]["geometry"]))
    assert shape.is_valid and shape.area == pytest.approx(0.005, rel=0.01)


def test_a_real_sized_province_is_simplified_with_shared_edges_kept_and_rings_wound_for_d3(initialized):
    features = geodata.hanoi_communes()
    originals = np.asarray([shape for _, shape in features], dtype=object)
    loaded = _load(geodata.feature_collection(features))
    assert loaded.matched == 126 and not loaded.unmatched_features and not len(loaded.without_boundary)
    with db.session() as session:
        stored = geo.boundaries(session, "01")
    shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in stored["features"]])
    assert shapely.get_num_coordinates(shapes).sum() < 0.6 * shapely.get_num_coordinates(originals).sum()
    # Neighbours still share their edges: a valid coverage, and the union has no slivers (no holes) and the area
    # of the original.
    assert shapely.coverage_is_valid(shapes)
    union = shapely.union_all(shapes)
    assert union.geom_type == "MultiPolygon"  # the main area and the island
    assert sum(shapely.get_num_interior_rings(p) for p in shapely.get_parts(union)) == 0
    assert union.area == pytest.approx(shapely.union_all(originals).area, rel=0.002)
    exteriors = shapely.get_exterior_ring(shapely.get_parts(shapes))
    assert not shapely.is_ccw(exteriors).any()  # d3-geo's winding, the opposite of RFC 7946
    assert stored["bbox"] == pytest.approx(list(shapely.total_bounds(originals)), abs=0.01)


def test_national_mode_a_province_file_draws_the_country_and_a_commune_file_each_province(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    bootstrap.init()
    provinces = _load(geodata.feature_collection(geodata.national("province")), "province")
    assert provinces.matched == 34 and not len(provinces.without_boundary) and not provinces.notes
    communes = _load(geodata.feature_collection(geodata.national("commune", spacing=0.02)))
    assert communes.matched == 3321 and not communes.unmatched_features
    with db.session() as session:
        country = geo.boundaries(session, "all", geo.Level.PROVINCE)
        hanoi = geo.boundaries(session, "01")
        hue = geo.boundaries(session, "46")
        assert geo.status(session, "all").matched == 3321
    assert sorted(f["properties"]["code"] for f in country["features"]) == sorted(
        f"{int(p.code):02d}" for p in registry.provinces()
    )
    assert len(hanoi["features"]) == 126 and {f["properties"]["province_code"] for f in hanoi["features"]} == {"01"}
    # Each province is drawn in its own frame.
    assert hanoi["bbox"] != hue["bbox"] and hanoi["bbox"][0] >= country["bbox"][0]
    filled = _drawn(hanoi, "01")
    assert 0.2 < filled.mean() < 0.95


# The command line ----------------------------------------------------------------------------------------------------


def _status_json(capsys, *options: str) -> dict:
    capsys.readouterr()
    assert main(["boundaries", "status", "--json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_load_prints_the_matching_report_and_status_json_agrees(initialized, capsys, tmp_path):
    features = [(p, s) for p, s in geodata.hanoi_communes() if p["ma_xa"] not in ("00004", "00008")]
    stray = ({"ma_xa": "99999", "ten_xa": "Xã Ở Tỉnh Khác"}, shapely.box(105.0, 20.0, 105.01, 20.01))
    path = tmp_path / "hanoi.geojson"
    path.write_bytes(geodata.feature_collection([*features, stray]))
    assert main(["boundaries", "load", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Boundaries saved: 124 communes matched.",
        "Features not matched: 1",
        "  Xã Ở Tỉnh Khác (99999)",
        "Communes without a boundary: 2",
        "  00004 Phường Ba Đình",
        "  00008 Phường Ngọc Hà",
    ]
    assert _status_json(capsys) == {
        "communes_with_boundary": 124,
        "communes_without": ["00004", "00008"],
        "unmatched_features": ["Xã Ở Tỉnh Khác (99999)"],
        "conflicts": [],
    }


def test_a_code_that_is_another_wards_matches_by_name_and_every_conflict_is_reported(initialized, capsys, tmp_path):
    path = tmp_path / "hanoi-old-codes.geojson"
    path.write_bytes(geodata.feature_collection(geodata.hanoi_with_old_codes()))
    assert main(["boundaries", "load", str(path), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    with db.session() as session:
        drawn = {f["properties"]["code"]: f["properties"]["name"] for f in geo.boundaries(session, "01")["features"]}
    # Each shape is drawn as the ward its name says, the real Yên Sở and Kim Liên included.
    shapes = {p["ten_xa"]: shapely.normalize(s) for p, s in geodata.hanoi_with_old_codes()}
    assert drawn["00319"] == "Phường Hoàng Mai" and drawn["00331"] == "Phường Yên Sở"
    assert drawn["00196"] == "Phường Văn Miếu - Quốc Tử Giám" and drawn["00226"] == "Phường Kim Liên"
    with db.session() as session:
        stored = {f["properties"]["code"]: f for f in geo.boundaries(session, "01")["features"]}
    hoang_mai = shapely.geometry.shape(stored["00319"]["geometry"])
    assert hoang_mai.representative_point().within(shapes["Phường Hoàng Mai"].buffer(0.001))
    # The feature named after a ward that no longer exists is not drawn as the ward whose code it carries.
    assert "00313" not in drawn and len(drawn) == 125
    conflicts = [
        {"feature_code": "00331", "feature_name": "Phường Hoàng Mai", "matched_to": "00319"},
        {"feature_code": "00226", "feature_name": "Phường Văn Miếu – Quốc Tử Giám", "matched_to": "00196"},
        {"feature_code": "00313", "feature_name": "Phường Giáp Bát", "matched_to": None},
    ]
    assert sorted(_status_json(capsys)["conflicts"], key=str) == sorted(conflicts, key=str)
    assert "Code and name disagree (matched by name): 3" in printed
    assert "Phường Hoàng Mai (00331): the code is another area's; matched by name to 00319" in printed


@pytest.mark.page
def test_the_boundaries_page_lists_the_conflicts(initialized):
    from conftest import APP, account, log_in, shown
    from streamlit.testing.v1 import AppTest

    _load(geodata.feature_collection(geodata.hanoi_with_old_codes()))
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.ADMIN))
    at.run()
    at.switch_page("pages/boundaries.py").run()
    assert not at.exception
    assert "Mã và tên không khớp nhau" in [h.value for h in at.subheader]
    table = next(t for t in map(shown, at.dataframe) if "Mã trong tệp" in t.columns)
    assert sorted(table["Mã trong tệp"]) == ["00226", "00313", "00331"]
    assert sorted(table["Đã ghép với"]) == ["00196", "00319", "–"]


def test_cli_refuses_a_bad_file_with_a_message_and_stores_nothing(initialized, capsys, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_bytes(_file(_feature("abc", ma_xa="70")))
    assert main(["boundaries", "load", str(path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: Feature #1 (70): malformed coordinates (abc).")
    assert "fix or re-export the file" in err
    status = _status_json(capsys)
    assert status["communes_with_boundary"] == 0 and len(status["communes_without"]) == 126
    assert _stored_count() == 0


def test_cli_loads_the_province_level_file(initialized, capsys, tmp_path):
    path = tmp_path / "provinces.geojson"
    path.write_bytes(geodata.feature_collection(geodata.national("province")))
    assert main(["boundaries", "load", str(path), "--level", "province"]) == 0
    assert capsys.readouterr().out.startswith("Đã lưu ranh giới: 34 tỉnh ghép được.")
    status = _status_json(capsys, "--level", "province")
    assert status == {
        "provinces_with_boundary": 34,
        "provinces_without": [],
        "unmatched_features": [],
        "conflicts": [],
    }


def test_files_stored_before_normalisation_are_kept_but_out_of_use_after_the_migration(database):
    config = db.alembic_config()
    with db.get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(
            text(
                "INSERT INTO boundary (province_code, geojson, loaded_at, loaded_by) "
                "VALUES ('01', :geojson, CURRENT_TIMESTAMP, 'admin')"
            ),
            {"geojson": json.dumps(_collection({"ma_xa": "70"}))},
        )
    bootstrap.init()
    with db.session() as session:
        assert session.execute(select(Boundary.level, Boundary.loaded_by)).all() == [("legacy", "admin")]
        assert geo.boundaries(session, "01") is None and geo.status(session, "01") is None
    _load(_collection({"ma_xa": "70"}))
    with db.session() as session:
        assert geo.status(session, "01").matched == 1
        assert _stored_count() == 2  # the old file is still there


def test_a_huge_polygon_is_simplified_on_load_to_what_a_screen_needs(initialized):
    # Nine megabytes of one commune's outline (the file that made the PDF take 114 s before simplification).
    circle = shapely.segmentize(shapely.Point(105.85, 21.03).buffer(0.05), 1.5e-6)
    content = geodata.feature_collection([({"ma_xa": "70"}, circle)])
    assert len(content) > 8 * 2**20
    _load(content)
    with db.session() as session:
        stored = geo.boundaries(session, "01")
    shape = shapely.from_geojson(json.dumps(stored["features"][0]["geometry"]))
    assert shapely.get_num_coordinates(shape) < 2_000
    assert shape.area == pytest.approx(circle.area, rel=0.01)
