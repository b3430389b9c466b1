import streamlit as st

import ui
from readiness import charts, queries, report
from readiness.settings import get_settings
from readiness.views import tables as views

ui.data_page("Mức độ sẵn sàng của xã, phường", "Commune readiness")
ui.download_export(
    ui.t("Tải báo cáo PDF", "Download PDF report"),
    report.province_report,
    ui.as_of(),
    ui.province(),
    ui.lang(),
    file_name=f"bao-cao-san-sang-{ui.as_of():%Y-%m-%d}.pdf",
    mime=ui.PDF,
)

figures = ui.query(queries.overview, ui.as_of(), ui.province())
kpis = figures["kpis"]
n, criteria = kpis["communes"], kpis["criteria"]
columns = st.columns(5)
columns[0].metric(
    ui.t(f"Đạt đủ {criteria}/{criteria}", f"Fully green ({criteria}/{criteria})"),
    f"{ui.number(kpis['fully_green'])}/{ui.number(n)}",
    delta=ui.percent(kpis["fully_green_share"], 1),
    delta_color="off",
    delta_arrow="off",
    help=ui.t(
        f"Số xã, phường đạt đủ {criteria} tiêu chí trên tổng số, và tỉ lệ.",
        f"Communes meeting all {criteria} criteria, out of all, and the share.",
    ),
    border=True,
)
columns[1].metric(
    ui.t("Tiêu chí đạt (TB)", "Criteria met (avg.)"),
    f"{ui.number(kpis['average_green'], 1)}/{criteria}",
    help=ui.t("Số tiêu chí đạt trung bình của một xã, phường.", "Average number of criteria met per commune."),
    border=True,
)
columns[2].metric(
    ui.t("Đạt ở mọi nơi", "Met everywhere"),
    f"{ui.number(kpis['criteria_green_everywhere'])}/{criteria}",
    help=ui.t("Số tiêu chí mà mọi xã, phường đều đạt.", "Criteria that every commune meets."),
    border=True,
)
stale_after = get_settings().stale_after_days
columns[3].metric(
    ui.t(f"Báo cáo {stale_after} ngày qua", f"Reports, last {stale_after} days"),
    ui.number(kpis["submissions_last_days"]),
    help=ui.t(
        f"Số báo cáo nhận được trong {stale_after} ngày tính đến ngày đã chọn.",
        f"Submissions received in the {stale_after} days up to the chosen date.",
    ),
    border=True,
)
columns[4].metric(
    ui.t("Hạng mục quá hạn", "Overdue items"),
    ui.number(kpis["overdue"]),
    help=ui.t(
        "Số cặp xã, phường – tiêu chí chưa đạt đã quá hạn.", "Commune–criterion pairs not met past the deadline."
    ),
    border=True,
)

st.subheader(ui.t("Tiến độ theo tuần", "Greening week by week"))
trend = ui.query(queries.trend, ui.as_of(), ui.province())
ui.chart(charts.trend_chart(trend, ui.lang(), criteria=criteria))
st.caption(
    ui.t(
        "Đường liền: tỉ lệ xã, phường đạt đủ tiêu chí (trục trái). Đường nét đứt: số tiêu chí đạt trung bình "
        "(trục phải).",
        "Solid line: share of communes fully green (left axis). Dashed line: average green criteria (right axis).",
    )
)

st.subheader(ui.t("Năm tiêu chí chậm nhất", "Five most lagging criteria"))
lagging = figures["lagging"]
if lagging.empty:
    st.success(ui.t("Mọi xã, phường đều đạt mọi tiêu chí.", "Every commune meets every criterion."))
else:
    ui.table(views.lagging(lagging, n, ui.lang()), views.LAGGING)
