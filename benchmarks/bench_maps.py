"""Boundary maps: loading real-sized boundary files and drawing the province and national maps.

Budgets (issue 11): the province map draws in ≤ 1 s, the national map in ≤ 3 s; a national commune file (3,321
communes, tens of MB) loads within the upload limit (READINESS_BOUNDARY_LIMIT_MB).

    PYTHONPATH=$PWD python benchmarks/bench_maps.py [--spacing 0.0012] [--repeat 3]

The files are made up (tests/geodata.py: Voronoi communes with wavy edges of one vertex every `spacing` degrees,
RFC 7946 winding), since there is no network to fetch real ones. "Draw" is what a page view costs on the server
(read the stored file, build the chart) plus rendering it with Vega (vl-convert, the engine the browser runs) to SVG
as the browser does, and to PNG as the PDF does.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
AS_OF = date(2025, 10, 20)
CPU: list[float] = []
BUDGETS = {"province map (Hà Nội, 126 communes)": 1.0, "national map (34 provinces)": 3.0}


def _median(function, repeat: int) -> tuple[float, object]:
    """Median wall time, and the result. The CPU time of the same runs goes to CPU[-1]: on a machine shared with
    other jobs the wall time mostly measures the wait for a core."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spacing", type=float, default=0.0012, help="degrees between vertices of the files")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        return run(Path(folder), args.spacing, args.repeat)


def run(folder: Path, spacing: float, repeat: int) -> int:
    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{folder / 'maps.db'}"
    os.environ["READINESS_PROVINCE"] = "all"

    import geodata
    import shapely
    from sqlalchemy import text

    from readiness import bootstrap
    from readiness.access.permissions import OPERATOR
    from readiness.core import db
    from readiness.core.settings import get_settings
    from readiness.intake import geo
    from readiness.outputs import charts, maps
    from readiness.reading import queries

    get_settings.cache_clear()
    db.reset_caches()
    bootstrap.init()
    rows = []

    start = time.perf_counter()
    commune_features = geodata.national("commune", spacing=spacing)
    communes_file = geodata.feature_collection(commune_features)
    province_file = geodata.feature_collection(geodata.national("province", spacing=spacing))
    vertices = sum(int(shapely.get_num_coordinates(s)) for _, s in commune_features)
    print(f"made the files in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    limit = get_settings().boundary_limit_mb
    rows.append(
        (
            f"national commune file: 3,321 communes, {vertices:,} vertices, {len(communes_file) / 2**20:.1f} MB "
            f"(limit {limit} MB)",
            "",
            "",
            "",
        )
    )

    def load(content: bytes, level: str):
        with db.write_session() as session:
            return geo.load_boundaries(session, OPERATOR, content, level)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds, report = _median(lambda: load(communes_file, "commune"), 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert report.matched == 3321
    with db.session() as session:
        stored = session.execute(text("select sum(length(geojson)) from boundary where level = 'commune'")).scalar_one()
    rows.append(
        (
            "load national commune file (read, check, repair, simplify, store)",
            "",
            f"{seconds:.1f} s",
            f"{CPU[-1]:.1f} s",
        )
    )
    rows.append((f"  stored after simplification: {stored / 2**20:.1f} MB", "", "", ""))
    rows.append((f"  peak memory of the process: {max(peak, before) / 1024:.0f} MB", "", "", ""))
    seconds, _ = _median(lambda: load(province_file, "province"), repeat)
    name = f"load province file (34 provinces, {len(province_file) / 2**20:.1f} MB)"
    rows.append((name, "", f"{seconds:.2f} s", f"{CPU[-1]:.2f} s"))

    with db.session() as session:
        hanoi_status = queries.status(session, AS_OF, "01")
        country_status = queries.status(session, AS_OF, "all")
    hanoi_communes = queries.by_commune(hanoi_status)
    provinces = queries.by_province(country_status)
    criteria = country_status["criterion_code"].nunique()

    def hanoi_chart():
        with db.session() as session:
            shapes = geo.boundaries(session, "01")
        return maps.choropleth_chart(
            shapes, hanoi_communes, hanoi_status, "vi", hanoi_status["criterion_code"].nunique()
        )

    def country_chart():
        with db.session() as session:
            shapes = geo.boundaries(session, "all", geo.Level.PROVINCE)
        return maps.province_map_chart(shapes, provinces, "vi", criteria)

    charts.to_png(country_chart())  # the first conversion in a process starts the renderer
    for name, build in (
        ("province map (Hà Nội, 126 communes)", hanoi_chart),
        ("national map (34 provinces)", country_chart),
    ):
        built, chart = _median(build, repeat)
        built_cpu = CPU[-1]
        spec = chart.to_dict()
        size = len(json.dumps(spec)) / 2**20
        svg, _ = _median(lambda spec=spec: _svg(spec), repeat)
        svg_cpu = CPU[-1]
        png, _ = _median(lambda chart=chart: charts.to_png(chart), repeat)
        png_cpu = CPU[-1]
        budget = f"≤ {BUDGETS[name]:.0f} s"
        rows.append(
            (f"{name}: read + build the chart ({size:.2f} MB spec)", "", f"{built:.2f} s", f"{built_cpu:.2f} s")
        )
        rows.append((f"{name}: + render SVG (page)", budget, f"{built + svg:.2f} s", f"{built_cpu + svg_cpu:.2f} s"))
        rows.append((f"{name}: + render PNG (PDF)", "", f"{built + png:.2f} s", f"{built_cpu + png_cpu:.2f} s"))

    print("| measure | budget | wall | CPU |")
    print("|---|---|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


def _svg(spec: dict) -> str:
    import altair as alt
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0])


if __name__ == "__main__":
    sys.exit(main())
