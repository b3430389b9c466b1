import streamlit as st

import ui
from readiness import geo, queries

ui.logged_in()
st.title(ui.t("Ranh giới hành chính", "Commune boundaries"))
st.caption(
    ui.t(
        "Tải tệp GeoJSON chính thức (FeatureCollection, mỗi xã, phường một Polygon/MultiPolygon) để vẽ bản đồ ranh "
        "giới. Đối tượng được ghép với xã, phường theo mã (thuộc tính ma_xa, code…), nếu không thì theo tên.",
        "Upload the official GeoJSON (a FeatureCollection, one Polygon/MultiPolygon per commune) to draw the "
        "boundary map. Features are matched to communes by code (property ma_xa, code…), else by name.",
    )
)
upload = st.file_uploader(ui.t("Tệp GeoJSON", "GeoJSON file"), type=["geojson", "json"], key="boundary_file")
ui.show_done()
if upload is not None and st.button(ui.t("Lưu ranh giới", "Save boundaries"), type="primary"):
    ui.act(
        geo.load_boundaries,
        upload.getvalue(),
        done=ui.t(
            f"Đã lưu ranh giới từ tệp {ui.plain(upload.name)}.", f"Boundaries saved from {ui.plain(upload.name)}."
        ),
    )

boundaries = ui.query(geo.boundaries, ui.province())
if boundaries is None:
    st.info(ui.t("Chưa có ranh giới nào được tải lên.", "No boundaries loaded yet."), icon=":material/map:")
    st.stop()
matched = geo.match(boundaries, ui.query(queries.communes, ui.province()))
left, middle, right = st.columns(3)
left.metric(ui.t("Xã, phường có ranh giới", "Communes with a boundary"), ui.number(len(matched.geojson["features"])))
middle.metric(ui.t("Đối tượng không ghép được", "Features not matched"), ui.number(len(matched.unmatched_features)))
right.metric(
    ui.t("Xã, phường thiếu ranh giới", "Communes without a boundary"), ui.number(len(matched.unmatched_communes))
)
if matched.unmatched_features:
    st.subheader(ui.t("Đối tượng không ghép được với xã, phường nào", "Features that match no commune"))
    st.dataframe({ui.t("Đối tượng", "Feature"): matched.unmatched_features}, hide_index=True)
if len(matched.unmatched_communes):
    st.subheader(ui.t("Xã, phường không có ranh giới trong tệp", "Communes without a boundary in the file"))
    st.dataframe(
        matched.unmatched_communes,
        hide_index=True,
        column_config={"commune_code": ui.t("Mã", "Code"), "commune_name": ui.t("Xã, phường", "Commune")},
    )
