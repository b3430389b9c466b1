"""Official boundaries (GeoJSON) of communes or provinces for the greening maps: check, normalise, match, store.

A file is read with bounded size and nesting, then every geometry is normalised once, on load, with shapely:
repaired when invalid (make_valid), Z values dropped, simplified to what a screen needs with shared edges kept
(coverage simplification: no slivers between neighbours), and its rings wound clockwise. Vega's geoshape follows
d3-geo, which reads rings on the sphere: a counter-clockwise outer ring (RFC 7946, as QGIS, GDAL and mapshaper write
it) means "the whole globe but this polygon" and draws as one solid rectangle.

Features are matched to communes (or provinces) by a code property ("ma_xa": "70" or "00070") when the feature's
name (if it has one) agrees with that commune's, else by a name unique in the scope, compared without case,
spaces, punctuation or diacritics, with or without the kind ("Phường Hoàn Kiếm" or "Hoan Kiem"). Real files carry
codes from before the 2025 reorganisation, some of them now another commune's: a feature whose code names one
commune and whose name another is a conflict, listed with what it was matched to. Whatever does not match is
listed, never guessed. Empty or degenerate geometries are listed and left out; a broken file
(not JSON, coordinates that are not numbers, NaN, another coordinate system) is refused whole and stores nothing.
"""

import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import delete, select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, require
from readiness.core import registry
from readiness.core.i18n import Bilingual, tr
from readiness.core.models import Boundary
from readiness.core.progress import Progress, tell
from readiness.core.registry import UnknownCode, commune_code
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import fold, nfc
from readiness.reading import status as readers


class Level(StrEnum):
    COMMUNE = "commune"
    PROVINCE = "province"


# Property names that official and community boundary files use, compared without case.
CODE_PROPERTIES = {
    Level.COMMUNE: ("commune_code", "ma_xa", "maxa", "ma_phuong_xa", "ward_code", "code", "ma"),
    Level.PROVINCE: ("province_code", "ma_tinh", "matinh", "ma_tinh_tp", "code", "ma"),
}
NAME_PROPERTIES = {
    Level.COMMUNE: ("commune_name", "ten_xa", "tenxa", "ten_phuong_xa", "ward_name", "name", "ten"),
    Level.PROVINCE: ("province_name", "ten_tinh", "tentinh", "ten_tinh_tp", "name", "ten"),
}
GEOMETRIES = {"Polygon", "MultiPolygon"}
# A FeatureCollection of MultiPolygons nests 7 deep; room for nested properties, far from Python's recursion limit.
MAX_DEPTH = 32
# Names a WGS 84 longitude/latitude `crs` member may carry (GeoJSON 2008 and GDAL's output).
WGS84 = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:epsg::4326", "epsg:4326", "crs84", "wgs84"}
# The map is at most ~1,500 px across (PDF at scale 2): a simplification tolerance of 1/2,000 of the area's extent
# is below a pixel; coordinates are kept to 1e-5 degree (about 1 m).
SCREEN_STEPS = 2000
GRID = 1e-5
_SCAN_CHUNK = 1 << 22
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))


class BoundaryError(Bilingual, ValueError):
    """A boundary file that cannot be used."""


class Note(NamedTuple):
    """A feature that was repaired or left out, listed for the person who loaded the file."""

    feature: str
    problem: str  # "empty", "repaired", "degenerate"

    def text(self, lang: str) -> str:
        problems = {
            "empty": ("không có hình (bỏ qua)", "has no geometry (left out)"),
            "degenerate": ("hình suy biến, không có diện tích (bỏ qua)", "degenerate, no area (left out)"),
            "repaired": (
                "hình không hợp lệ (tự cắt, lỗ nằm ngoài…), đã sửa tự động",
                "invalid shape (self-intersecting, a hole outside…), repaired automatically",
            ),
        }
        return f"{self.feature}: {tr(lang, *problems[self.problem])}"


class Report(NamedTuple):
    """What a load matched: the same figures on the boundaries page, after `readiness boundaries load` and in
    `readiness boundaries status`."""

    level: Level
    matched: int
    # Labels ("name (code)" or "#7") of features that matched no commune (province).
    unmatched_features: list[str]
    # Communes (provinces) in scope that no feature matched: columns code, name.
    without_boundary: pd.DataFrame
    notes: list[Note]
    # Features whose code is one commune's (province's) and whose name another's: feature_code, feature_name and
    # matched_to (the code matched by name, None when the name matched nothing).
    conflicts: list[dict]


class _Feature(NamedTuple):
    label: str
    properties: dict
    geometry: Any  # shapely Polygon or MultiPolygon


# Reading -----------------------------------------------------------------------------------------------------------


def _depth(content: bytes) -> int:
    """The deepest nesting of arrays and objects, found without building them (a deeply nested file would
    otherwise exhaust Python's recursion or memory before any check). Brackets inside strings do not count."""
    # Escaped backslashes and quotes out first, then only quotes and brackets are kept (a tenth of a GeoJSON file).
    text = content.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    codes = np.frombuffer(text, dtype=np.uint8)
    level = parity = deepest = 0
    for start in range(0, len(codes), _SCAN_CHUNK):
        chunk = codes[start : start + _SCAN_CHUNK]
        outside = ((np.cumsum(chunk == ord('"'), dtype=np.int64) + parity) & 1) == 0
        step = ((chunk == ord("[")) | (chunk == ord("{"))).astype(np.int64) - (
            (chunk == ord("]")) | (chunk == ord("}"))
        )
        levels = level + np.cumsum(step * outside)
        deepest = max(deepest, int(levels.max()))
        level, parity = int(levels[-1]), int(not outside[-1])
    return deepest


def _no_constants(name: str) -> float:
    raise BoundaryError(
        f"Tệp có giá trị {name} (không phải số hữu hạn) — GeoJSON chỉ cho phép số. Hãy sửa hoặc xuất lại tệp.",
        f"The file contains {name}, which is not a finite number; GeoJSON allows numbers only. Fix or re-export it.",
    )


def _read_json(content: bytes) -> Any:
    limit = get_settings().boundary_limit_mb
    if len(content) > limit * 1024 * 1024:
        size = len(content) / 1024 / 1024
        raise BoundaryError(
            f"Tệp {size:.1f} MB vượt giới hạn {limit} MB. Hãy giản lược ranh giới (ví dụ mapshaper -simplify 10%) "
            "hoặc tăng READINESS_BOUNDARY_LIMIT_MB.",
            f"The file is {size:.1f} MB, over the {limit} MB limit. Simplify the boundaries (e.g. mapshaper "
            "-simplify 10%) or raise READINESS_BOUNDARY_LIMIT_MB.",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BoundaryError(
            f"Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start}). Hãy xuất lại GeoJSON với mã UTF-8.",
            f"The file is not UTF-8 text (bad byte at position {exc.start}). Export the GeoJSON again as UTF-8.",
        ) from exc
    if _depth(content) > MAX_DEPTH:
        raise BoundaryError(
            f"Tệp lồng nhau quá sâu (hơn {MAX_DEPTH} tầng) — không phải GeoJSON ranh giới hợp lệ.",
            f"The file nests deeper than {MAX_DEPTH} levels; it is not a valid boundary GeoJSON.",
        )
    try:
        return json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise BoundaryError(
            f"Tệp không phải GeoJSON hợp lệ (lỗi JSON ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}). "
            "Hãy xuất lại tệp dưới dạng GeoJSON, mã UTF-8.",
            f"The file is not valid GeoJSON (JSON error at line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Export it again as UTF-8 GeoJSON.",
        ) from exc


def _check_crs(data: dict) -> None:
    crs = data.get("crs")
    if crs is None:
        return
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and name.strip().lower() in WGS84:
        return
    raise BoundaryError(
        f"Tệp dùng hệ toạ độ {name or crs!r}, không phải WGS 84 kinh độ/vĩ độ. Hãy xuất lại theo EPSG:4326 "
        "(QGIS: Xuất → Lưu đối tượng thành… → Hệ toạ độ EPSG:4326).",
        f"The file uses the coordinate system {name or crs!r}, not WGS 84 longitude/latitude. Export it again in "
        "EPSG:4326 (QGIS: Export → Save Features As… → CRS EPSG:4326).",
    )


def _label(number: int, properties: dict, level: Level) -> str:
    """How a feature is named in messages: "Phường Hoàn Kiếm (70)", "(70)" or "#7" (its position in the file)."""
    name = _property(properties, NAME_PROPERTIES[level])
    code = _property(properties, CODE_PROPERTIES[level])
    if name is None and code is None:
        return f"#{number}"
    return f"{nfc(name)} ({code})" if name and code else nfc(name) if name else f"#{number} ({code})"


def _bad_coordinates(label: str, vi: str, en: str) -> BoundaryError:
    return BoundaryError(
        f"Đối tượng {label}: {vi}. Toạ độ phải là các cặp số [kinh độ, vĩ độ] theo WGS 84; hãy sửa hoặc xuất lại tệp.",
        f"Feature {label}: {en}. Coordinates must be [longitude, latitude] number pairs in WGS 84; fix or re-export "
        "the file.",
    )


def _ring(raw: Any, label: str) -> np.ndarray:
    try:
        ring = np.asarray(raw)
    except ValueError as exc:
        raise _bad_coordinates(
            label, "vòng toạ độ có vị trí không đều", "a ring has positions of unequal length"
        ) from exc
    if ring.ndim != 2 or ring.shape[1] < 2 or ring.dtype.kind not in "iuf":
        raise _bad_coordinates(
            label, f"toạ độ không phải số ({str(raw)[:40]})", f"coordinates are not numbers ({str(raw)[:40]})"
        )
    ring = ring[:, :2].astype(float)  # a third value (height) is dropped
    if not np.isfinite(ring).all():
        raise _bad_coordinates(label, "có toạ độ NaN hoặc vô cực", "a coordinate is NaN or infinite")
    if (np.abs(ring[:, 0]) > 180).any() or (np.abs(ring[:, 1]) > 90).any():
        raise _bad_coordinates(
            label,
            "toạ độ nằm ngoài kinh độ/vĩ độ (tệp có lẽ dùng hệ VN-2000 hoặc UTM)",
            "coordinates are outside longitude/latitude (the file is probably in VN-2000 or UTM)",
        )
    return ring


def _polygons(geometry: dict, label: str) -> list[list[np.ndarray]]:
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not all(isinstance(p, list) for p in polygons):
        raise _bad_coordinates(
            label,
            f"toạ độ không đúng dạng ({str(coordinates)[:40]})",
            f"malformed coordinates ({str(coordinates)[:40]})",
        )
    return [[_ring(ring, label) for ring in polygon] for polygon in polygons]


def _shape(polygons: list[list[np.ndarray]]) -> Any:
    """The shapely geometry of the rings (rings of under four positions are degenerate and dropped)."""
    parts = [
        shapely.Polygon(rings[0], [hole for hole in rings[1:] if len(hole) >= 4])
        for rings in polygons
        if rings and len(rings[0]) >= 4
    ]
    return shapely.MultiPolygon(parts) if len(parts) != 1 else parts[0]


def _normalise(shape: Any) -> tuple[Any, str | None]:
    """A valid (Multi)Polygon of the shape, and what was done to it (None, "repaired" or "degenerate")."""
    if shape.is_valid and shape.area > 0:
        return shape, None
    if shape.is_valid:
        return None, "degenerate"
    # make_valid may also return the lines and points a collapsed part leaves: only areas are kept.
    repaired = shapely.make_valid(shape, method="structure", keep_collapsed=False)
    parts = [p for p in shapely.get_parts(repaired) if p.geom_type in GEOMETRIES and not p.is_empty]
    repaired = shapely.union_all(parts) if parts else None
    if repaired is None or repaired.area == 0:
        return None, "degenerate"
    return repaired, "repaired"


def parse(content: bytes, level: Level = Level.COMMUNE) -> tuple[list[_Feature], list[Note]]:
    """The features of the FeatureCollection in `content` with valid geometry, and the features repaired or left
    out; BoundaryError says what is wrong, where and how to fix it when the file cannot be used."""
    data = _read_json(content)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise BoundaryError(
            f"Tệp phải là một GeoJSON FeatureCollection (kiểu tìm thấy: {found}).",
            f"The file must be a GeoJSON FeatureCollection (found type: {found}).",
        )
    _check_crs(data)
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError(
            "FeatureCollection không có đối tượng nào (mục features rỗng).",
            "The FeatureCollection has no features (its features list is empty).",
        )
    kept, notes = [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            raise BoundaryError(
                f"Đối tượng #{number} không phải một GeoJSON Feature có properties.",
                f"Feature #{number} is not a GeoJSON Feature with properties.",
            )
        properties = feature.get("properties") or {}
        label = _label(number, properties, level)
        geometry = feature.get("geometry")
        if geometry is None or (isinstance(geometry, dict) and geometry.get("coordinates") == []):
            notes.append(Note(label, "empty"))
            continue
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in GEOMETRIES:
            raise BoundaryError(
                f"Đối tượng {label} không có ranh giới dạng Polygon/MultiPolygon (kiểu: {kind}). Mỗi xã, phường cần "
                "một vùng; hãy bỏ điểm, đường khỏi tệp.",
                f"Feature {label} has no Polygon/MultiPolygon boundary (geometry type: {kind}). Each commune needs an "
                "area; remove points and lines from the file.",
            )
        shape, problem = _normalise(_shape(_polygons(geometry, label)))
        if problem:
            notes.append(Note(label, problem))
        if shape is not None:
            kept.append(_Feature(label, properties, shape))
    return kept, notes


# Matching ----------------------------------------------------------------------------------------------------------


def _property(properties: dict, names: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def _code(raw: str | None, level: Level) -> str | None:
    if raw is None:
        return None
    if level == Level.PROVINCE:
        raw = raw.strip().removesuffix(".0")
        return f"{int(raw):02d}" if raw.isdigit() and len(raw) <= 2 else None
    try:
        return commune_code(raw)
    except UnknownCode:
        return None


def areas(session: Session, level: Level, province: str) -> pd.DataFrame:
    """What features of a level are matched against (columns code, name, kind, province_code): the communes in
    scope, or the 34 provinces."""
    if level == Level.PROVINCE:
        return pd.DataFrame(
            [
                {
                    "code": p.code,
                    "name": p.name,
                    "kind": "Tỉnh" if p.name.startswith("Tỉnh") else "Thành phố",
                    "province_code": p.code,
                }
                for p in registry.provinces()
            ]
        )
    return readers.communes(session, province)[["code", "name", "kind", "province_code"]]


_KIND_PREFIX = re.compile(r"^(phuong|xa|dac khu|thi tran|thi xa|tinh|thanh pho|tp)\b\.?")


def name_key(name: str) -> str:
    """A name as compared when matching: without case, diacritics, its kind ("Phường", "Xã", "Đặc khu"...),
    spaces or punctuation ("Văn Miếu – Quốc Tử Giám" and "van mieu-quoc tu giam" agree)."""
    return re.sub(r"[\W_]+", "", _KIND_PREFIX.sub("", fold(name).strip()))


def _match(
    features: list[_Feature], scope: pd.DataFrame, level: Level
) -> tuple[list[tuple[str, _Feature]], list[str], list[dict]]:
    """(code, feature) matched, labels of the features matching nothing, and the conflicts between a feature's
    code and its name."""
    names = {code: name_key(name) for code, name in zip(scope["code"], scope["name"], strict=True)}
    by_name: dict[str, list[str]] = {}
    for code, key in names.items():
        by_name.setdefault(key, []).append(code)
    matched, unmatched, conflicts, seen = [], [], [], set()
    for feature in features:
        code = _code(_property(feature.properties, CODE_PROPERTIES[level]), level)
        name = _property(feature.properties, NAME_PROPERTIES[level])
        key = name_key(name) if name else None
        if code not in names or (key is not None and key != names[code]):
            candidates = by_name.get(key, []) if key else []
            by_its_name = candidates[0] if len(candidates) == 1 else None
            if code in names:
                conflicts.append({"feature_code": code, "feature_name": nfc(name), "matched_to": by_its_name})
            code = by_its_name
        if code is None or code in seen:
            unmatched.append(feature.label)
            continue
        seen.add(code)
        matched.append((code, feature))
    return matched, unmatched, conflicts


# Simplifying and storing -------------------------------------------------------------------------------------------


def _simplified(shapes: list[Any]) -> list[Any]:
    """The shapes (one area's neighbours) simplified below a screen pixel, edges shared by neighbours kept shared,
    on a 1 m grid, rings wound clockwise for d3-geo."""
    geometries = np.asarray(shapes, dtype=object)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    tolerance = max(xmax - xmin, ymax - ymin) / SCREEN_STEPS
    if shapely.coverage_is_valid(geometries):
        geometries = shapely.coverage_simplify(geometries, tolerance, simplify_boundary=True)
    else:
        # Overlapping neighbours are no coverage; simplify each alone rather than produce artefacts.
        geometries = shapely.simplify(geometries, tolerance, preserve_topology=True)
    geometries = shapely.set_precision(geometries, GRID)
    return list(shapely.orient_polygons(geometries, exterior_cw=True))


def _collection(level: Level, features: list[str], bbox: list[float], **members: Any) -> str:
    """A stored FeatureCollection: features (already GeoJSON text) with properties code, name, province_code, and
    foreign members for what the load found. Written as text: re-parsing tens of MB of coordinates into dicts would
    double the load time."""
    head = {"type": "FeatureCollection", "bbox": bbox, "level": str(level), **members}
    return json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",".join(features) + "]}"


def _rows(level: Level, matched: list[tuple[str, _Feature]], scope: pd.DataFrame) -> dict[str, tuple[list, list]]:
    """Per province (per country at province level): its features simplified together as GeoJSON text, and their
    bounding box. A national commune file is stored, read and drawn one province at a time."""
    names = scope.set_index("code")
    groups: dict[str, list[tuple[str, _Feature]]] = {}
    for code, feature in matched:
        key = names.at[code, "province_code"] if level == Level.COMMUNE else NATIONAL
        groups.setdefault(key, []).append((code, feature))
    rows = {}
    for key, group in groups.items():
        shapes = _simplified([f.geometry for _, f in group])
        texts = []
        for (code, _), shape in zip(group, shapes, strict=True):
            properties = {
                "code": code,
                "name": names.at[code, "name"],
                "province_code": names.at[code, "province_code"],
            }
            text = json.dumps(properties, ensure_ascii=False)
            texts.append(f'{{"type":"Feature","properties":{text},"geometry":{shapely.to_geojson(shape)}}}')
        bbox = [round(float(b), 5) for b in shapely.total_bounds(np.asarray(shapes, dtype=object))]
        rows[key] = (texts, bbox)
    return rows


def load_boundaries(
    session: Session,
    actor: Actor,
    content: bytes,
    level: Level | str = Level.COMMUNE,
    progress: Progress | None = None,
) -> Report:
    """Check, normalise and store a boundary file of communes (of the configured province, or of the whole country
    in national mode) or of the 34 provinces, replacing the previous one of that level. A bad file raises
    BoundaryError and stores nothing."""
    require(actor, Permission.LOAD_BOUNDARIES)
    level = Level(level)
    province = get_settings().province
    features, notes = parse(content, level)
    tell(progress, 1, 4, f"{len(features)} features read")
    scope = areas(session, level, province)
    matched, unmatched, conflicts = _match(features, scope, level)
    tell(progress, 2, 4, f"{len(matched)} matched")
    if not matched:
        raise BoundaryError(
            f"Không đối tượng nào trong tệp khớp với {_level_name(level, 'vi')} nào (theo mã hay tên). Hãy kiểm tra "
            "tệp có đúng cấp và đúng tỉnh, và có thuộc tính mã (ví dụ ma_xa) hoặc tên.",
            f"No feature in the file matches any {_level_name(level, 'en')} (by code or name). Check that the file "
            "is of the right level and province and has a code (e.g. ma_xa) or name property.",
        )
    rows = _rows(level, matched, scope)
    tell(progress, 3, 4, "simplified")
    codes = sorted(code for code, _ in matched)
    found = {"unmatched_features": unmatched, "notes": [list(n) for n in notes], "conflicts": conflicts}
    if level == Level.COMMUNE and province == NATIONAL:
        # One row per province to draw, and one for the whole load's report.
        session.execute(delete(Boundary).where(Boundary.level == str(level)))
        texts = {key: _collection(level, features, bbox) for key, (features, bbox) in rows.items()}
        boxes = np.asarray([bbox for _, bbox in rows.values()])
        country = [*boxes[:, :2].min(axis=0).tolist(), *boxes[:, 2:].max(axis=0).tolist()]
        texts[NATIONAL] = _collection(level, [], country, matched_codes=codes, **found)
    else:
        key = NATIONAL if level == Level.PROVINCE else province
        session.execute(delete(Boundary).where(Boundary.province_code == key, Boundary.level == str(level)))
        features, bbox = rows[key]
        texts = {key: _collection(level, features, bbox, **found)}
    now = datetime.now(UTC)
    session.add_all(
        Boundary(province_code=key, level=str(level), geojson=text, loaded_at=now, loaded_by=actor.name)
        for key, text in texts.items()
    )
    audit.record(
        session,
        actor.name,
        "boundaries.load",
        NATIONAL if level == Level.PROVINCE else province,
        f"{level}: {len(matched)} matched, {len(unmatched)} unmatched, {len(conflicts)} conflicts, {len(notes)} notes",
    )
    tell(progress, 4, 4, "stored")
    return Report(level, len(matched), unmatched, _without(scope, set(codes)), notes, conflicts)


def conflict_text(conflict: dict, lang: str) -> str:
    """One conflict as the boundaries page and the command line word it."""
    feature = f"{conflict['feature_name']} ({conflict['feature_code']})"
    if conflict["matched_to"] is None:
        return tr(
            lang,
            f"{feature}: mã là của đơn vị khác, tên không khớp đơn vị nào (không vẽ)",
            f"{feature}: the code is another area's, the name matches none (not drawn)",
        )
    return tr(
        lang,
        f"{feature}: mã là của đơn vị khác, đã ghép theo tên với {conflict['matched_to']}",
        f"{feature}: the code is another area's; matched by name to {conflict['matched_to']}",
    )


def _level_name(level: Level, lang: str) -> str:
    return tr(lang, "xã, phường", "commune") if level == Level.COMMUNE else tr(lang, "tỉnh, thành phố", "province")


def _without(scope: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    return scope[~scope["code"].isin(codes)][["code", "name"]].reset_index(drop=True)


# Reading back ------------------------------------------------------------------------------------------------------


def _stored(session: Session, scope: str, level: Level) -> dict | None:
    text = session.execute(
        select(Boundary.geojson)
        .where(Boundary.province_code == scope, Boundary.level == str(level))
        .order_by(Boundary.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if text is None else json.loads(text)


def boundaries(session: Session, province: str, level: Level | str = Level.COMMUNE) -> dict | None:
    """The normalised FeatureCollection to draw: the communes of one province, or with level "province" the 34
    provinces; None when none are loaded."""
    level = Level(level)
    stored = _stored(session, NATIONAL if level == Level.PROVINCE else province, level)
    return stored if stored is not None and stored["features"] else None


def status(session: Session, province: str, level: Level | str = Level.COMMUNE) -> Report | None:
    """What the stored file of `province` (national mode: of the country; or the province-level file) matched, as at
    load time; None if none is loaded."""
    level = Level(level)
    stored = _stored(session, NATIONAL if level == Level.PROVINCE else province, level)
    if stored is None:
        return None
    scope = areas(session, level, province)
    codes = set(stored.get("matched_codes") or (f["properties"]["code"] for f in stored["features"]))
    notes = [Note(*n) for n in stored.get("notes", [])]
    unmatched = stored.get("unmatched_features", [])
    return Report(level, len(codes), unmatched, _without(scope, codes), notes, stored.get("conflicts", []))
