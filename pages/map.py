import streamlit as st

import ui
from readiness import charts, geo, queries

ui.data_page("Bản đồ tiến độ", "Greening map")
lang = ui.lang()
status = ui.status_frame()
ui.pending_caption(status)
criteria = status["criterion_code"].nunique()

if ui.national():
    st.caption(
        ui.t(
            "Mỗi ô là một tỉnh, thành phố, tô màu theo số tiêu chí đạt trung bình của các xã, phường; "
            "tỉnh chậm nhất ở đầu.",
            "One tile per province, coloured by its communes' average green criteria; most lagging first.",
        )
    )
    ui.chart(charts.province_tile_chart(queries.by_province(status), lang, criteria))
    st.stop()

communes = queries.by_commune(status)
tiles, shapes = st.tabs([ui.t("Ô theo xã, phường", "Tiles"), ui.t("Bản đồ ranh giới", "Boundary map")])
with tiles:
    st.caption(
        ui.t(
            "Mỗi ô là một xã, phường, tô màu và ghi số tiêu chí đạt; xã, phường chậm nhất ở đầu. "
            "Bấm vào một ô để mở trang của xã, phường.",
            "One tile per commune, coloured and labelled by its green criteria; most lagging first. "
            "Click a tile to open the commune's page.",
        )
    )
    picked = ui.picked_commune(ui.chart(charts.tile_map_chart(communes, lang), key="tile_map"))
    if picked:
        ui.open_commune(picked)
with shapes:
    boundaries = ui.query(geo.boundaries, ui.province())
    if boundaries is None:
        st.info(
            ui.t(
                "Chưa có dữ liệu ranh giới. Quản trị viên tải tệp GeoJSON ranh giới xã, phường ở trang "
                "Ranh giới hành chính.",
                "No boundary data yet. An administrator uploads the communes' boundary GeoJSON on the Boundaries page.",
            ),
            icon=":material/map:",
        )
    else:
        matched = geo.match(boundaries, ui.query(queries.communes, ui.province()))
        ui.chart(charts.choropleth_chart(matched.geojson, communes, lang))
        if matched.unmatched_communes.shape[0]:
            st.warning(
                ui.t(
                    f"{ui.number(len(matched.unmatched_communes))} xã, phường không có ranh giới trong tệp.",
                    f"{ui.number(len(matched.unmatched_communes))} communes have no boundary in the file.",
                )
            )
