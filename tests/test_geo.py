"""Boundary GeoJSON: checks, storage with audit, and matching features to communes (by code, else by name)."""

import json
import unicodedata

import pytest
from sqlalchemy import func, select

from readiness import db, geo, queries
from readiness.auth import Actor, PermissionDenied
from readiness.models import AuditEvent, Boundary, Role

ADMIN = Actor("admin", Role.ADMIN)


def _square(x: float, properties: dict) -> dict:
    ring = [[x, 21.0], [x + 0.01, 21.0], [x + 0.01, 21.01], [x, 21.01], [x, 21.0]]
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _collection(*properties: dict) -> dict:
    return {"type": "FeatureCollection", "features": [_square(105.8 + i * 0.01, p) for i, p in enumerate(properties)]}


def _communes():
    with db.session() as session:
        return queries.communes(session, "01")


def test_features_match_by_code_else_by_name_and_the_rest_is_listed(initialized):
    geojson = _collection(
        {"MA_XA": 70, "TEN_XA": "Tên sai"},  # a code wins over a wrong name
        {"ten_xa": unicodedata.normalize("NFD", "Phường Ba Đình")},  # decomposed text still matches
        {"name": "ngoc ha"},  # without kind or diacritics
        {"code": "00070"},  # Hoàn Kiếm a second time: listed, not drawn twice
        {"name": "Xã Không Có Thật"},
        {"other": "nothing to match"},
    )
    matched = geo.match(geojson, _communes())
    codes = [f["properties"]["commune_code"] for f in matched.geojson["features"]]
    assert codes == ["00070", "00004", "00008"]
    assert matched.unmatched_features == ["#4 (00070)", "Xã Không Có Thật", "#6"]
    assert len(matched.unmatched_communes) == 126 - 3
    assert not set(codes) & set(matched.unmatched_communes["commune_code"])


def test_load_stores_replaces_and_audits_and_changes_the_data_version(initialized):
    with db.session() as session:
        before = queries.data_version(session)
    content = json.dumps(_collection({"ma_xa": "70"})).encode()
    with db.write_session() as session:
        geo.load_boundaries(session, ADMIN, content)
    with db.write_session() as session:
        geo.load_boundaries(session, ADMIN, json.dumps(_collection({"ma_xa": "4"}, {"ma_xa": "8"})).encode())
    with db.session() as session:
        stored = geo.boundaries(session, "01")
        assert session.execute(select(func.count(Boundary.id))).scalar_one() == 1
        events = session.execute(select(AuditEvent.action, AuditEvent.detail)).all()
        assert queries.data_version(session) != before
    assert [f["properties"]["ma_xa"] for f in stored["features"]] == ["4", "8"]
    assert [tuple(e) for e in events] == [("boundaries.load", "1 features"), ("boundaries.load", "2 features")]


def test_nothing_loaded_means_no_boundaries(initialized):
    with db.session() as session:
        assert geo.boundaries(session, "01") is None


@pytest.mark.parametrize(
    ("content", "vi", "en"),
    [
        (b"{not json", "không phải GeoJSON hợp lệ", "not valid GeoJSON"),
        (json.dumps({"type": "Feature"}).encode(), "kiểu tìm thấy: Feature", "found type: Feature"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "rỗng", "empty"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        _square(105.8, {}),
                        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
                    ],
                }
            ).encode(),
            "Đối tượng thứ 2",
            "Feature 2 has no Polygon/MultiPolygon boundary (geometry type: Point)",
        ),
    ],
)
def test_bad_files_are_refused_with_a_specific_message_and_change_nothing(initialized, content, vi, en):
    with pytest.raises(geo.BoundaryError) as refused, db.write_session() as session:
        geo.load_boundaries(session, ADMIN, content)
    assert vi in refused.value.message("vi")
    assert en in refused.value.message("en")
    with db.session() as session:
        assert session.execute(select(func.count(Boundary.id))).scalar_one() == 0
        assert session.execute(select(func.count(AuditEvent.id))).scalar_one() == 0


def test_only_an_admin_may_load_boundaries(initialized):
    officer = Actor("officer", Role.OFFICER)
    with pytest.raises(PermissionDenied), db.write_session() as session:
        geo.load_boundaries(session, officer, json.dumps(_collection({"ma_xa": "70"})).encode())
    with db.session() as session:
        assert geo.boundaries(session, "01") is None
