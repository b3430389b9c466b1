import streamlit as st

import ui
from readiness.core.settings import get_settings
from readiness.intake import geo
from readiness.outputs.views import boundaries as boundary_views

ui.logged_in()
st.title(ui.t("Ranh giới hành chính", "Boundaries"))
st.caption(
    ui.t(
        "Tải tệp GeoJSON chính thức (FeatureCollection, mỗi xã, phường một Polygon/MultiPolygon, toạ độ WGS 84) để "
        "vẽ bản đồ ranh giới. Đối tượng được ghép với xã, phường theo mã (thuộc tính ma_xa, code…) khi tên cũng "
        "khớp, nếu không thì theo tên. Hình được chuẩn hoá khi tải: sửa hình lỗi, giản lược cho vừa màn hình mà "
        "giữ chung ranh giới.",
        "Upload the official GeoJSON (a FeatureCollection, one Polygon/MultiPolygon per commune, WGS 84 "
        "coordinates) to draw the boundary map. Features are matched to communes by code (property ma_xa, code…) "
        "when the name agrees, else by name. Shapes are normalised on load: repaired, simplified for the screen "
        "with shared edges kept.",
    )
)
levels = [geo.Level.COMMUNE, geo.Level.PROVINCE] if ui.national() else [geo.Level.COMMUNE]
level = st.radio(
    ui.t("Cấp", "Level"),
    levels,
    format_func=lambda v: (
        ui.t("Xã, phường", "Communes") if v == geo.Level.COMMUNE else ui.t("Tỉnh, thành phố", "Provinces")
    ),
    horizontal=True,
    key="boundary_level",
)
upload = st.file_uploader(
    ui.t("Tệp GeoJSON", "GeoJSON file"),
    type=["geojson", "json"],
    max_upload_size=get_settings().boundary_limit_mb,
    key="boundary_file",
)
ui.show_done()
if upload is not None and st.button(ui.t("Lưu ranh giới", "Save boundaries"), type="primary"):
    ui.act(
        geo.load_boundaries,
        upload.getvalue(),
        level,
        ui.ProgressBar("Đang kiểm tra, chuẩn hoá và lưu ranh giới", "Checking, normalising and saving the boundaries"),
        done=ui.t(
            f"Đã lưu ranh giới từ tệp {ui.plain(upload.name)}.", f"Boundaries saved from {ui.plain(upload.name)}."
        ),
    )

report = ui.query(geo.status, ui.province(), level)
if report is None:
    st.info(ui.t("Chưa có ranh giới nào được tải lên.", "No boundaries loaded yet."), icon=":material/map:")
    st.stop()
areas = ui.t("Xã, phường", "Communes") if level == geo.Level.COMMUNE else ui.t("Tỉnh, thành phố", "Provinces")
left, middle, right = st.columns(3)
left.metric(ui.t(f"{areas} có ranh giới", f"{areas} with a boundary"), ui.number(report.matched))
middle.metric(ui.t("Đối tượng không ghép được", "Features not matched"), ui.number(len(report.unmatched_features)))
right.metric(ui.t(f"{areas} thiếu ranh giới", f"{areas} without a boundary"), ui.number(len(report.without_boundary)))
if report.unmatched_features:
    st.subheader(ui.t("Đối tượng không ghép được", "Features that match nothing"))
    ui.table(boundary_views.unmatched_features(report), boundary_views.FEATURES)
if report.conflicts:
    st.subheader(ui.t("Mã và tên không khớp nhau", "Code and name disagree"))
    st.caption(
        ui.t(
            "Tệp ghi cho các đối tượng này mã của một xã, phường khác (thường là mã cũ trước sắp xếp năm 2025). "
            "Chúng được ghép theo tên; hãy kiểm tra và sửa mã trong tệp.",
            "The file gives these features the code of another commune (often a code from before the 2025 "
            "reorganisation). They were matched by name; check and correct the codes in the file.",
        )
    )
    ui.table(boundary_views.conflicts(report), boundary_views.CONFLICTS)
if len(report.without_boundary):
    st.subheader(ui.t(f"{areas} không có ranh giới trong tệp", f"{areas} without a boundary in the file"))
    ui.table(report.without_boundary, boundary_views.without_boundary_table(level))
if report.notes:
    st.subheader(ui.t("Hình đã sửa hoặc bỏ qua", "Shapes repaired or left out"))
    ui.table(boundary_views.notes(report, ui.lang()), boundary_views.FEATURES)
