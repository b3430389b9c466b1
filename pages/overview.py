import streamlit as st

import ui
from readiness.access.permissions import Permission, allowed
from readiness.core.i18n import format_part, timeliness_label
from readiness.core.settings import get_settings
from readiness.intake import review
from readiness.outputs import charts, official, report
from readiness.outputs.views import tables as views
from readiness.outputs.views.wording import pending_note
from readiness.reading import queries

who = ui.data_page("Mức độ sẵn sàng của xã, phường", "Commune readiness")
ui.download_export(
    ui.t("Tải báo cáo PDF", "Download PDF report"),
    report.province_report,
    ui.as_of(),
    ui.province(),
    ui.lang(),
    file_name=f"bao-cao-san-sang-{ui.as_of():%Y-%m-%d}.pdf",
    mime=ui.PDF,
)
# The official report (Nghị định 30/2020/NĐ-CP): header fields from the READINESS_REPORT_* settings, the number and
# the signer's name from this form; the office fills in the proposals in Word before signing.
if allowed(who, Permission.EXPORT):
    with st.expander(ui.t("Báo cáo hành chính (Nghị định 30/2020/NĐ-CP)", "Official report (Decree 30/2020)")):
        left, right = st.columns(2)
        number = left.text_input(ui.t("Số báo cáo", "Report number"), placeholder="12")
        signer = right.text_input(ui.t("Họ và tên người ký", "Signer's name"), value=get_settings().report_signer_name)
        details = official.Details.from_settings(ui.province(), number=number.strip())
        details.signer_name = signer.strip()
        downloads = (
            (official.PDF, ui.t("Tải báo cáo hành chính (PDF)", "Download official report (PDF)"), ui.PDF),
            (official.DOCX, ui.t("Tải báo cáo hành chính (Word)", "Download official report (Word)"), ui.DOCX),
        )
        for column, (fmt, label, mime) in zip(st.columns(2), downloads, strict=True):
            with column:
                ui.download_export(
                    label,
                    official.official_report,
                    ui.as_of(),
                    ui.province(),
                    fmt,
                    details,
                    file_name=f"bao-cao-hanh-chinh-{ui.as_of():%Y-%m-%d}.{fmt}",
                    mime=mime,
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
    f"{format_part(kpis['average_green'], criteria, ui.lang())}/{criteria}",
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

if note := pending_note(kpis, ui.lang()):
    st.caption(f":material/pending: {note}")
with ui.session() as session:
    # Not cached: the oldest pending age moves with the clock, not with the data.
    queue = review.queue_summary(session, ui.province(), as_of=ui.as_of())
if queue["pending"]:
    later, shown_day = queue["dated_later"], ui.day(ui.as_of())
    if queries.counts_setting() != "reported":
        counted_vi, counted_en = "(chưa được tính vào số liệu).", "(not yet counted)."
    elif later == 0:
        counted_vi, counted_en = "(đã được tính vào số liệu).", "(counted in the figures)."
    else:
        # Figures as of a past date cannot include reports dated after it.
        counted_vi = (
            f"({ui.number(queue['pending'] - later)} đã được tính vào số liệu; {ui.number(later)} báo cáo ghi ngày "
            f"sau {shown_day} nên không có trong số liệu tính đến ngày này)."
        )
        counted_en = (
            f"({ui.number(queue['pending'] - later)} counted in the figures; {ui.number(later)} dated after "
            f"{shown_day}, so not in the figures as of that date)."
        )
    st.info(
        ui.t(
            f"{ui.number(queue['pending'])} báo cáo chờ duyệt, báo cáo cũ nhất đã chờ {queue['oldest_days']} ngày "
            + counted_vi,
            f"{ui.number(queue['pending'])} submissions pending review; the oldest has waited "
            f"{queue['oldest_days']} days " + counted_en,
        ),
        icon=":material/pending_actions:",
    )
    who = ui.logged_in()
    if allowed(who, Permission.REVIEW):
        st.page_link("pages/review.py", label=ui.t("Mở hàng chờ duyệt", "Open the review queue"))

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
    lagging = views.lagging(lagging, n, ui.lang())
    ui.table(lagging, views.LAGGING, wrap="name")

st.subheader(ui.t("Tiến độ so với hạn", "Against the deadlines"))
timeliness = figures["timeliness"]
pairs = sum(timeliness.values())
help_texts = {
    "on_time": (
        "Cặp xã, phường – tiêu chí đạt, chuyển sang đạt lần cuối không muộn hơn hạn.",
        "Commune–criterion pairs green, last turned green by the deadline.",
    ),
    "late": (
        "Cặp xã, phường – tiêu chí đạt, chuyển sang đạt lần cuối sau hạn.",
        "Pairs green, last turned green after the deadline.",
    ),
    "in_progress": ("Cặp chưa đạt, chưa đến hạn.", "Pairs not green, deadline not passed."),
    "overdue": (
        "Cặp chưa đạt (kể cả chưa báo cáo), đã quá hạn.",
        "Pairs not green (never reported included), deadline passed.",
    ),
}
columns = st.columns(5)
for column, (key, (help_vi, help_en)) in zip(columns[:4], help_texts.items(), strict=True):
    column.metric(
        timeliness_label(key, ui.lang()),
        ui.number(timeliness[key]),
        delta=ui.percent(timeliness[key] / pairs if pairs else 0, 1),
        delta_color="off",
        delta_arrow="off",
        help=ui.t(help_vi, help_en),
        border=True,
    )
reporting = figures["reporting"]
if reporting.empty:
    columns[4].metric(ui.t("Tỉ lệ báo cáo tuần", "Weekly reporting rate"), "–", border=True)
else:
    week = reporting.iloc[0]
    columns[4].metric(
        ui.t("Tỉ lệ báo cáo tuần", "Weekly reporting rate"),
        ui.percent(week["reported_share"], 1),
        delta=ui.t(
            f"đúng hạn {ui.percent(week['on_time_share'], 1)} · tuần đến {ui.day(week['week_due'])}",
            f"on time {ui.percent(week['on_time_share'], 1)} · week to {ui.day(week['week_due'])}",
        ),
        delta_color="off",
        delta_arrow="off",
        help=ui.t(
            "Tỉ lệ xã, phường đã gửi báo cáo cho tuần gần nhất đã đến hạn, và tỉ lệ gửi đúng hạn (giờ Việt Nam).",
            "Share of communes that reported for the last week due, and the share on time (Vietnam time).",
        ),
        border=True,
    )
ui.chart(charts.timeliness_chart(figures["timeliness_by_criterion"], ui.lang()))

st.subheader(ui.t("Xếp hạng", "Ranking"))
if ui.national():
    ranked, bottom_title = figures["province_ranking"], ui.t("Mười tỉnh, thành phố cuối bảng", "Bottom ten provinces")
    top_title = ui.t("Mười tỉnh, thành phố dẫn đầu", "Top ten provinces")
else:
    ranked, bottom_title = figures["ranking"], ui.t("Mười xã, phường cuối bảng", "Bottom ten communes")
    top_title = ui.t("Mười xã, phường dẫn đầu", "Top ten communes")
left, right = st.columns(2)
for column, title, rows, key in [
    (left, top_title, ranked.head(10), "top_ten"),
    (right, bottom_title, ranked.tail(10), "bottom_ten"),
]:
    with column:
        st.markdown(f"**{title}**")
        if ui.national():
            ui.province_ranking_table(rows)
        else:
            ui.ranking_table(rows, key=key, brief=True)
st.page_link(
    ui.RANKING_PAGE, label=ui.t("Xem bảng xếp hạng đầy đủ", "See the full ranking"), icon=":material/leaderboard:"
)
