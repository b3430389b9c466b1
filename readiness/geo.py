"""Official commune boundaries (GeoJSON) for the choropleth map: load, check, store, and match to communes.

Features are matched to communes by a code property ("ma_xa": "70" or "00070"), else by name without case,
spaces or diacritics, with or without the kind ("Phường Hoàn Kiếm" or "Hoan Kiem"). Whatever does not match is
listed, never guessed.
"""

import json
from datetime import UTC, datetime
from typing import NamedTuple

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from readiness import audit
from readiness.auth import Actor, Permission, require
from readiness.i18n import Bilingual
from readiness.models import Boundary
from readiness.registry import UnknownCode, commune_code
from readiness.settings import get_settings
from readiness.text import fold, nfc, short_name

# Property names that official and community boundary files use, compared without case.
CODE_PROPERTIES = ("commune_code", "ma_xa", "maxa", "ma_phuong_xa", "ward_code", "code", "ma")
NAME_PROPERTIES = ("commune_name", "ten_xa", "tenxa", "ten_phuong_xa", "ward_name", "name", "ten")
GEOMETRIES = {"Polygon", "MultiPolygon"}


class BoundaryError(Bilingual, ValueError):
    """A boundary file that cannot be used."""


class Match(NamedTuple):
    # The matched features only, each with properties.commune_code set: what choropleth_chart draws.
    geojson: dict
    # Labels ("name (code)" or "feature 7") of features that matched no commune.
    unmatched_features: list[str]
    # Communes (commune_code, commune_name) that no feature matched.
    unmatched_communes: pd.DataFrame


def parse(content: bytes) -> dict:
    """The FeatureCollection in `content`, or BoundaryError saying what is wrong and where."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError(
            f"Tệp không phải GeoJSON hợp lệ (lỗi JSON: {exc}). Hãy xuất lại tệp dưới dạng GeoJSON, mã UTF-8.",
            f"The file is not valid GeoJSON (JSON error: {exc}). Export it again as UTF-8 GeoJSON.",
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise BoundaryError(
            f"Tệp phải là một GeoJSON FeatureCollection (kiểu tìm thấy: {found}).",
            f"The file must be a GeoJSON FeatureCollection (found type: {found}).",
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError(
            "FeatureCollection không có đối tượng nào (mục features rỗng).",
            "The FeatureCollection has no features (its features list is empty).",
        )
    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in GEOMETRIES:
            raise BoundaryError(
                f"Đối tượng thứ {number} không có ranh giới dạng Polygon/MultiPolygon (kiểu: {kind}).",
                f"Feature {number} has no Polygon/MultiPolygon boundary (geometry type: {kind}).",
            )
    return data


def _property(properties: dict, names: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def match(geojson: dict, communes: pd.DataFrame) -> Match:
    """Match features to the communes in scope (columns code, name, kind as from queries.communes)."""
    codes = set(communes["code"])
    by_name: dict[str, list[str]] = {}
    for code, name, kind in zip(communes["code"], communes["name"], communes["kind"], strict=True):
        for key in {fold(name), fold(short_name(name, kind))}:
            by_name.setdefault(key, []).append(code)
    matched, unmatched, seen = [], [], set()
    for number, feature in enumerate(geojson["features"], start=1):
        properties = feature.get("properties") or {}
        code = _code(_property(properties, CODE_PROPERTIES))
        name = _property(properties, NAME_PROPERTIES)
        if code not in codes:
            candidates = by_name.get(fold(name), []) if name else []
            code = candidates[0] if len(candidates) == 1 else None
        if code is None or code in seen:
            label = nfc(name) if name else f"#{number}"
            raw = _property(properties, CODE_PROPERTIES)
            unmatched.append(f"{label} ({raw})" if raw else label)
            continue
        seen.add(code)
        matched.append({**feature, "properties": {**properties, "commune_code": code}})
    missing = communes[~communes["code"].isin(seen)][["code", "name"]]
    return Match(
        geojson={"type": "FeatureCollection", "features": matched},
        unmatched_features=unmatched,
        unmatched_communes=missing.rename(columns={"code": "commune_code", "name": "commune_name"}).reset_index(
            drop=True
        ),
    )


def _code(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return commune_code(raw)
    except UnknownCode:
        return None


def load_boundaries(session: Session, actor: Actor, geojson_bytes: bytes) -> dict:
    """Check and store the boundary file of the configured province, replacing the previous one.
    Returns the GeoJSON; a bad file raises BoundaryError and stores nothing."""
    require(actor, Permission.LOAD_BOUNDARIES)
    data = parse(geojson_bytes)
    province = get_settings().province
    session.execute(delete(Boundary).where(Boundary.province_code == province))
    session.add(
        Boundary(
            province_code=province,
            geojson=json.dumps(data, ensure_ascii=False),
            loaded_at=datetime.now(UTC),
            loaded_by=actor.name,
        )
    )
    audit.record(session, actor.name, "boundaries.load", province, f"{len(data['features'])} features")
    return data


def boundaries(session: Session, province: str) -> dict | None:
    """The boundary GeoJSON loaded for `province`, or None."""
    text = session.execute(
        select(Boundary.geojson).where(Boundary.province_code == province).order_by(Boundary.id.desc()).limit(1)
    ).scalar_one_or_none()
    return None if text is None else json.loads(text)
