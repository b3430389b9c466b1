"""Realistic boundary files made up for tests and benchmarks (there is no network to fetch real ones).

Communes are the Voronoi cells of random points inside a province outline, with wavy edges of many vertices (a
smooth displacement of every vertex, so that neighbours keep sharing their edges exactly), an enclave (a commune
inside another: the outer one has a hole) and an island (a commune in two parts). Provinces are the Voronoi cells
of 34 points inside a rough outline of Viet Nam. Files are written as RFC 7946 (counter-clockwise outer rings) or
in the legacy winding (clockwise), optionally with a height per position, a `crs` member and a BOM.
"""

import json

import numpy as np
import shapely
from vietnam_provinces import Province, ProvinceCode, Ward

# A rough outline of Viet Nam's mainland (longitude, latitude).
VIETNAM = [
    (102.1, 22.4), (103.5, 22.8), (105.5, 23.3), (106.8, 22.8), (108.0, 21.5), (106.6, 20.2), (105.9, 19.0),
    (106.5, 17.5), (108.0, 16.0), (109.0, 14.0), (109.4, 12.0), (108.0, 10.8), (106.8, 10.3), (105.0, 8.6),
    (104.4, 10.4), (105.2, 10.9), (106.4, 11.9), (107.5, 12.5), (107.6, 14.5), (107.0, 16.0), (106.0, 17.3),
    (104.8, 18.6), (104.0, 19.5), (103.0, 20.5), (102.2, 21.5),
]  # fmt: skip
# A rough outline of Hà Nội.
HANOI = [(105.29, 21.38), (105.62, 21.40), (105.95, 21.28), (106.02, 21.0), (105.90, 20.60), (105.55, 20.56),
         (105.30, 20.80), (105.28, 21.10)]  # fmt: skip


def _points_in(shape: shapely.Polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    xmin, ymin, xmax, ymax = shape.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        candidates = rng.uniform((xmin, ymin), (xmax, ymax), size=(count * 4, 2))
        found = np.vstack([found, candidates[shapely.contains_xy(shape, candidates[:, 0], candidates[:, 1])]])
    return found[:count]


def _cells(shape: shapely.Polygon, count: int, rng: np.random.Generator) -> list[shapely.Polygon]:
    return _cells_from(shape, _points_in(shape, count, rng))


def _wavy(shapes: list, spacing: float) -> list:
    """Edges of one vertex every `spacing` degrees, displaced by a smooth field: the same point moves the same way
    in both neighbours, so shared edges stay shared."""
    dense = shapely.set_precision(shapely.segmentize(np.asarray(shapes, dtype=object), spacing), spacing / 50)
    amplitude = min(spacing, 0.002)  # more folds edges over themselves

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack(
            [x + amplitude * np.sin(y * 300) * np.cos(x * 130), y + amplitude * np.sin(x * 260) * np.cos(y * 170)]
        )

    return list(shapely.transform(dense, move))


def hanoi_communes(spacing: float = 0.0015, seed: int = 7) -> list[tuple[dict, object]]:
    """Hà Nội's 126 communes as (properties, geometry); commune 00070 is an enclave (a hole in its neighbour) and
    the last commune has an island."""
    wards = list(Ward.iter_by_province(ProvinceCode.P_01))
    return _communes(shapely.Polygon(HANOI), wards, spacing, np.random.default_rng(seed), enclave=True)


def _communes(outline, wards: list, spacing: float, rng: np.random.Generator, enclave: bool = False) -> list:
    count = len(wards) - 1 if enclave else len(wards)
    cells = _wavy(_cells(outline, count, rng), spacing)
    shapes = list(cells)
    if enclave:
        # The enclave: a small square inside the first cell, cut out of it.
        host = shapes[0]
        centre = host.representative_point()
        hole = shapely.box(centre.x - 0.004, centre.y - 0.004, centre.x + 0.004, centre.y + 0.004)
        shapes[0] = host.difference(hole)
        shapes.insert(1, hole)
    # An island off the outline for the last commune.
    _, ymin, xmax, _ = outline.bounds
    island = shapely.box(xmax + 0.01, ymin, xmax + 0.02, ymin + 0.01)
    shapes[-1] = shapely.MultiPolygon([*shapely.get_parts(shapes[-1]), island])
    ordered = sorted(wards, key=lambda w: int(w.code))
    if enclave:
        # Hoàn Kiếm (00070) is the enclave.
        ordered.remove(next(w for w in ordered if int(w.code) == 70))
        ordered.insert(1, next(w for w in wards if int(w.code) == 70))
    return [({"ma_xa": f"{int(w.code):05d}", "ten_xa": w.name}, s) for w, s in zip(ordered, shapes, strict=True)]


def hanoi_with_old_codes() -> list[tuple[dict, object]]:
    """Hà Nội's communes as a real file gives them: codes from before the 2025 reorganisation, some of them now
    another ward's. Phường Hoàng Mai carries Phường Yên Sở's code (00331) and Yên Sở an old code; Văn Miếu – Quốc
    Tử Giám (written with an en dash) carries Kim Liên's code (00226) and Kim Liên an old code; a feature named
    after a ward that no longer exists (Giáp Bát) carries Tương Mai's code (00313)."""
    renamed = {
        "00319": {"ma_xa": "00331", "ten_xa": "Phường Hoàng Mai"},
        "00331": {"ma_xa": "09871", "ten_xa": "Phường Yên Sở"},
        "00196": {"ma_xa": "00226", "ten_xa": "Phường Văn Miếu – Quốc Tử Giám"},
        "00226": {"ma_xa": "09880", "ten_xa": "phường kim liên"},
        "00313": {"ma_xa": "00313", "ten_xa": "Phường Giáp Bát"},
    }
    return [(renamed.get(p["ma_xa"], p), shape) for p, shape in hanoi_communes()]


def national(level: str, spacing: float = 0.004, seed: int = 11) -> list[tuple[dict, object]]:
    """The 34 provinces (level "province") or all 3,321 communes, each province's communes tiling it."""
    rng = np.random.default_rng(seed)
    outline = shapely.Polygon(VIETNAM).buffer(0)
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    seeds = _points_in(outline, len(provinces), rng)
    cells = _cells_from(outline, seeds)
    # Northern provinces (low codes) in the north.
    cells = [cells[i] for i in np.argsort(-seeds[:, 1])]
    if level == "province":
        shapes = _wavy(cells, spacing * 4)
        return [
            ({"ma_tinh": f"{int(p.code):02d}", "ten_tinh": p.name}, s) for p, s in zip(provinces, shapes, strict=True)
        ]
    features = []
    for province, cell in zip(provinces, cells, strict=True):
        wards = list(Ward.iter_by_province(ProvinceCode(int(province.code))))
        features += _communes(cell, wards, spacing, rng)
    return features


def _cells_from(outline, points: np.ndarray) -> list:
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline))
    # Voronoi cells come in no particular order: give each seed its own cell.
    order = [int(np.flatnonzero(shapely.contains_xy(cells, *p))[0]) for p in points]
    clipped = shapely.intersection(cells[order], outline)
    return [c if c.geom_type == "Polygon" else max(shapely.get_parts(c), key=lambda p: p.area) for c in clipped]


def feature_collection(
    features: list[tuple[dict, object]],
    *,
    rfc7946: bool = True,
    height: bool = False,
    crs: str | None = None,
    bom: bool = False,
) -> bytes:
    """The GeoJSON bytes: counter-clockwise outer rings (RFC 7946) or clockwise (legacy)."""
    shapes = shapely.orient_polygons(np.asarray([s for _, s in features], dtype=object), exterior_cw=not rfc7946)
    if height:
        shapes = shapely.force_3d(shapes, 12.5)
    items = [
        {"type": "Feature", "properties": p, "geometry": json.loads(shapely.to_geojson(s))}
        for (p, _), s in zip(features, shapes, strict=True)
    ]
    data = {"type": "FeatureCollection", "features": items}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    text = json.dumps(data, ensure_ascii=False).encode()
    return b"\xef\xbb\xbf" + text if bom else text
