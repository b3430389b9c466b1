import streamlit as st

import ui
from readiness.outputs import charts
from readiness.outputs.views import tables as views
from readiness.outputs.views.wording import total_gaps
from readiness.reading import queries

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
spec = views.status_rows_table(ui.national())
ui.commune_table(views.status_rows(lagging, lang), spec, "gap_communes")
