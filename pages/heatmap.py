import streamlit as st

import ui
from readiness.core.i18n import kind_label, status_label
from readiness.core.scoring import Status
from readiness.outputs import charts, export
from readiness.reading import queries

ui.data_page("Bản đồ nhiệt mức độ sẵn sàng", "Readiness heatmap")
ui.download_export(
    ui.t("Tải bảng tổng hợp (Excel)", "Download consolidated table (Excel)"),
    export.consolidated_workbook,
    ui.as_of(),
    ui.province(),
    ui.lang(),
    file_name=f"tong-hop-{ui.as_of():%Y-%m-%d}.xlsx",
    mime=ui.XLSX,
)
lang = ui.lang()

scope = ui.province()
if ui.national():
    st.subheader(ui.t("Theo tỉnh, thành phố", "By province"))
    shares = queries.province_criteria(ui.status_frame())
    ui.chart(charts.province_heatmap_chart(shares, lang))
    provinces = dict(zip(shares["province_code"], shares["province_name"], strict=True))
    scope = st.selectbox(
        ui.t("Xem chi tiết tỉnh, thành phố", "Show the communes of"),
        list(provinces),
        format_func=provinces.get,
        key="heatmap_province",
    )
    st.subheader(provinces[scope])

status = ui.status_frame(scope)
ui.pending_caption(status)
filters = st.columns([3, 2, 3, 3, 2])
search = filters[0].text_input(
    ui.t("Tìm xã, phường", "Find a commune"),
    placeholder=ui.t("ví dụ: hoan kiem", "e.g. hoan kiem"),
    key="heatmap_search",
)
kinds = filters[1].multiselect(
    ui.t("Loại", "Kind"),
    sorted(status["commune_kind"].unique()),
    format_func=lambda kind: kind_label(kind, lang),
    placeholder=ui.t("Tất cả", "All"),
    key="heatmap_kinds",
)
groups = filters[2].multiselect(
    ui.t("Nhóm tiêu chí", "Criterion group"),
    list(dict.fromkeys(status.sort_values("position")[f"group_{lang}"])),
    placeholder=ui.t("Tất cả", "All"),
    key="heatmap_groups",
)
statuses = filters[3].multiselect(
    ui.t("Có tiêu chí ở trạng thái", "Having a criterion that is"),
    [Status.GREEN, Status.RED, Status.GREY],
    format_func=lambda status_: status_label(status_, lang),
    placeholder=ui.t("Tất cả", "All"),
    key="heatmap_statuses",
)
order = filters[4].radio(
    ui.t("Sắp xếp", "Sort"),
    ["readiness", "name"],
    format_func=lambda o: ui.t("Chậm nhất trước", "Lagging first") if o == "readiness" else ui.t("Theo tên", "By name"),
    key="heatmap_order",
)
rows = queries.select_communes(status, kinds=kinds, groups=groups, statuses=statuses, search=search, order=order)
if rows.empty:
    st.warning(ui.t("Không có xã, phường nào khớp bộ lọc.", "No commune matches these filters."))
    st.stop()

names = dict(zip(rows["commune_code"], rows["commune_name"], strict=False))
st.caption(
    ui.t(
        f"{ui.number(len(names))} xã, phường. Ô có dấu × là chưa đạt, dấu ? là chưa báo cáo; chấm tròn ở góc ô: "
        "số liệu lấy từ báo cáo đang chờ duyệt. Bấm vào một ô hoặc chọn bên dưới để mở trang của xã, phường.",
        f"{ui.number(len(names))} communes. × marks a criterion not met, ? one not reported; a dot in the corner, "
        "a figure from a submission pending review. Click a cell or choose below to open a commune's page.",
    )
)
chosen = st.selectbox(
    ui.t("Mở trang xã, phường", "Open a commune's page"),
    list(names),
    index=None,
    format_func=names.get,
    placeholder=ui.t("Chọn xã, phường…", "Choose a commune…"),
    key="heatmap_open",
)
if chosen:
    ui.open_commune(chosen)
event = ui.chart(charts.heatmap_chart(rows, lang), key="heatmap_chart")
picked = ui.picked_commune(event)
if picked:
    ui.open_commune(picked)
