import streamlit as st

import ui
from readiness import charts, queries
from readiness.i18n import describe_status, total_gaps

ui.data_page("Khoảng cách theo tiêu chí", "Gaps by criterion")
lang = ui.lang()
status = ui.status_frame()
ui.pending_caption(status)
criteria = queries.by_criterion(status)

st.caption(
    ui.t(
        "Mỗi thanh: số xã, phường chưa đạt tiêu chí; nhãn ghi tổng số còn thiếu theo đơn vị của tiêu chí.",
        "Each bar: communes not meeting the criterion; the label gives the total gap in the criterion's unit.",
    )
)
ui.chart(charts.gap_chart(criteria, lang))

ordered = criteria.sort_values(["not_green", "position"], ascending=[False, True])
names = dict(zip(ordered["criterion_code"], ordered["criterion_code"] + " · " + ordered[f"name_{lang}"], strict=True))
code = st.selectbox(
    ui.t("Chọn tiêu chí", "Choose a criterion"), list(names), format_func=names.get, key="gap_criterion"
)
row = criteria.set_index("criterion_code").loc[code]
st.subheader(names[code])
left, middle, right = st.columns(3)
left.metric(ui.t("Xã, phường chưa đạt", "Communes not met"), ui.number(row["not_green"]), border=True)
middle.metric(
    ui.t("Tổng còn thiếu", "Total gap"),
    total_gaps(criteria[criteria["criterion_code"] == code], lang)[0],
    border=True,
)
right.metric(ui.t("Hạn", "Deadline"), ui.day(row["deadline"]), border=True)

lagging = queries.lagging_communes(status, code)
if lagging.empty:
    st.success(ui.t("Mọi xã, phường đều đạt tiêu chí này.", "Every commune meets this criterion."))
    st.stop()
table = describe_status(lagging, lang).assign(
    progress=lagging["progress"] * 100,
    overdue_text=[ui.t(f"{d} ngày", f"{d} days") if d else "" for d in lagging["days_overdue"]],
)
columns = [
    "commune_name",
    "status_text",
    "value_text",
    "target_text",
    "progress",
    "gap_text",
    "overdue_text",
    "date_text",
]
if ui.national():
    columns.insert(1, "province_name")
ui.commune_table(
    table,
    columns,
    {
        "commune_name": ui.t("Xã, phường", "Commune"),
        "province_name": ui.t("Tỉnh, thành phố", "Province"),
        "status_text": ui.t("Trạng thái", "Status"),
        "value_text": ui.t("Giá trị", "Value"),
        "target_text": ui.t("Chỉ tiêu", "Target"),
        "progress": ui.progress_column(ui.t("Tiến độ", "Progress")),
        "gap_text": ui.t("Còn thiếu", "Gap"),
        "overdue_text": ui.t("Quá hạn", "Overdue"),
        "date_text": ui.t("Ngày báo cáo", "Reporting date"),
    },
    key="gap_communes",
)
