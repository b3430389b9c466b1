import streamlit as st

import ui
from readiness.intake import geo
from readiness.outputs import charts, maps
from readiness.outputs.views import boundaries as boundary_views
from readiness.reading import queries

ui.data_page("Bản đồ tiến độ", "Greening map")
lang = ui.lang()
status = ui.status_frame()
ui.pending_caption(status)
criteria = ui.criteria()
GREEN_COUNT = ""


def tile_map(communes, scope: str) -> None:
    st.caption(
        ui.t(
            "Mỗi ô là một xã, phường, tô màu và ghi số tiêu chí đạt; xã, phường chậm nhất ở đầu. "
            "Bấm vào một ô để mở trang của xã, phường.",
            "One tile per commune, coloured and labelled by its green criteria; most lagging first. "
            "Click a tile to open the commune's page.",
        )
    )
    picked = ui.picked_commune(ui.chart(charts.tile_map_chart(communes, lang, criteria), key=f"tile_map_{scope}"))
    if picked:
        ui.open_commune(picked)


def boundary_map(status, communes, shapes, scope: str) -> None:
    names = dict(zip(status["criterion_code"], status[f"name_{lang}"], strict=False))
    colour = st.selectbox(
        ui.t("Tô màu theo", "Colour by"),
        [GREEN_COUNT, *names],
        format_func=lambda c: ui.t("Số tiêu chí đạt", "Criteria met") if c == GREEN_COUNT else f"{c} · {names[c]}",
        key=f"map_colour_{scope}",
    )
    timeliness = None
    if colour != GREEN_COUNT and st.radio(
        ui.t("Theo", "By"),
        [False, True],
        format_func=lambda by_deadline: (
            ui.t("So với hạn", "Against the deadline") if by_deadline else ui.t("Trạng thái", "Status")
        ),
        horizontal=True,
        key=f"map_by_deadline_{scope}",
    ):
        timeliness = ui.query(queries.timeliness, ui.as_of(), scope)
    st.caption(
        ui.t(
            "Bấm vào một xã, phường để mở trang của xã, phường; di chuột để xem các tiêu chí chưa đạt.",
            "Click a commune to open its page; hover to see the criteria not met.",
        )
    )
    chart = maps.choropleth_chart(shapes, communes, status, lang, criteria, colour or None, timeliness)
    picked = ui.picked_commune(ui.chart(chart, key=f"boundary_map_{scope}"))
    if picked:
        ui.open_commune(picked)
    report = ui.query(geo.status, scope)
    if len(report.without_boundary):
        st.warning(
            ui.t(
                f"{ui.number(len(report.without_boundary))} xã, phường không có ranh giới trong tệp đã tải:",
                f"{ui.number(len(report.without_boundary))} communes have no boundary in the loaded file:",
            )
        )
        ui.table(report.without_boundary, boundary_views.without_boundary_table(geo.Level.COMMUNE))


def communes_of(status, scope: str) -> None:
    """The province's map: its communes' boundaries when a file is loaded, else one tile per commune."""
    communes = queries.by_commune(status)
    shapes = ui.query(geo.boundaries, scope)
    if shapes is None:
        st.info(
            ui.t(
                "Chưa có ranh giới xã, phường: quản trị viên tải tệp GeoJSON ở trang Ranh giới hành chính.",
                "No commune boundaries yet: an administrator loads the GeoJSON on the Boundaries page.",
            ),
            icon=":material/map:",
        )
        tile_map(communes, scope)
        return
    shapes_tab, tiles_tab = st.tabs([ui.t("Bản đồ ranh giới", "Boundary map"), ui.t("Ô theo xã, phường", "Tiles")])
    with shapes_tab:
        boundary_map(status, communes, shapes, scope)
    with tiles_tab:
        tile_map(communes, scope)


if not ui.national():
    communes_of(status, ui.province())
    st.stop()

provinces = queries.by_province(status)
province_shapes = ui.query(geo.boundaries, ui.province(), geo.Level.PROVINCE)
if province_shapes is None:
    st.caption(
        ui.t(
            "Mỗi ô là một tỉnh, thành phố, tô màu theo số tiêu chí đạt trung bình của các xã, phường; "
            "tỉnh chậm nhất ở đầu.",
            "One tile per province, coloured by its communes' average green criteria; most lagging first.",
        )
    )
    ui.chart(charts.province_tile_chart(provinces, lang, criteria))
else:
    st.caption(
        ui.t(
            "Mỗi tỉnh, thành phố tô màu theo số tiêu chí đạt trung bình của các xã, phường. Bấm vào một tỉnh để "
            "xem bản đồ các xã, phường.",
            "Each province coloured by its communes' average green criteria. Click a province to see its communes.",
        )
    )
    event = ui.chart(maps.province_map_chart(province_shapes, provinces, lang, criteria), key="province_map")
    points = (event or {}).get("selection", {}).get("province") or []
    if points:
        st.session_state["map_province"] = points[0].get("province_code")
names = dict(zip(provinces["province_code"], provinces["province_name"], strict=True))
chosen = st.selectbox(
    ui.t("Xem xã, phường của tỉnh, thành phố", "Show the communes of"),
    sorted(names),
    index=None,
    format_func=names.get,
    placeholder=ui.t("Chọn tỉnh, thành phố", "Choose a province"),
    key="map_province",
)
if chosen:
    st.subheader(names[chosen])
    communes_of(ui.status_frame(chosen), chosen)
