import streamlit as st

import ui
from readiness.core.i18n import weekday_name
from readiness.core.settings import get_settings
from readiness.outputs import export
from readiness.outputs.views import records
from readiness.outputs.views import tables as views
from readiness.outputs.views import tasks as task_views
from readiness.reading import queries
from readiness.reading import tasks as tasks_register

ui.data_page("Danh sách cảnh báo", "Warning list")
lang = ui.lang()
warnings = ui.query(queries.warning_list, ui.as_of(), ui.province())
settings = get_settings()
stale_after, at_risk_days = settings.stale_after_days, settings.at_risk_days
st.caption(
    ui.t(
        "Xã, phường có tiêu chí chưa đạt đã quá hạn, có tiêu chí chưa đạt mà hạn còn không quá "
        f"{at_risk_days} ngày (có nguy cơ trễ hạn), hoặc chưa đạt đủ tiêu chí mà không báo cáo quá "
        f"{stale_after} ngày; nghiêm trọng nhất ở đầu.",
        f"Communes with red criteria past their deadline, with criteria not met that are due within {at_risk_days} "
        f"days (at risk), or not fully green and silent for over {stale_after} days; most severe first.",
    )
)
ui.pending_caption(ui.status_frame())


def reporting_table() -> None:
    st.subheader(ui.t("Báo cáo hằng tuần", "Weekly reporting"))
    weekday = weekday_name(settings.report_due_weekday, lang)
    st.caption(
        ui.t(
            f"Mỗi xã, phường báo cáo mỗi tuần, hạn cuối ngày {weekday} (giờ Việt Nam). Một báo cáo thuộc tuần kết "
            "thúc vào hạn đầu tiên kể từ ngày báo cáo; đúng hạn nếu nhận được trước hết ngày hạn.",
            f"Every commune reports once a week, due by the end of {weekday} (Vietnam time). A report belongs to "
            "the week ending on the first due day on or after its reporting date; on time if received by the end "
            "of that day.",
        )
    )
    weeks = ui.query(queries.reporting, ui.as_of(), ui.province())
    if weeks.empty:
        st.caption(ui.t("Chưa có tuần nào đến hạn.", "No week is due yet."))
        return
    ui.table(records.weekly_reporting(weeks, lang), records.WEEKLY_REPORTING)


def tasks_section() -> None:
    """The tasks of the Resolution 57 plan on the same weekly list: overdue, and due within the same days."""
    with ui.session() as session:
        frame = tasks_register.register(session, ui.as_of(), province=ui.province())
    if frame.empty:
        return
    st.subheader(ui.t("Nhiệm vụ quá hạn", "Overdue tasks"))
    ui.table(tasks_register.overdue(frame), task_views.OVERDUE_LIST, wrap="content", key="tasks_overdue")
    st.subheader(ui.t(f"Nhiệm vụ đến hạn trong {at_risk_days} ngày", f"Tasks due within {at_risk_days} days"))
    soon = tasks_register.due_soon(frame, at_risk_days)
    ui.table(soon, task_views.DUE_SOON_LIST, wrap="content", key="tasks_due_soon")


if warnings.empty:
    st.success(ui.t("Tuần này không có xã, phường nào phải cảnh báo.", "No commune on the warning list this week."))
    reporting_table()
    tasks_section()
    st.stop()

columns = st.columns(4)
columns[0].metric(ui.t("Xã, phường bị cảnh báo", "Communes on the list"), ui.number(len(warnings)), border=True)
columns[1].metric(
    ui.t("Có tiêu chí quá hạn", "With overdue criteria"),
    ui.number(int((warnings["overdue_count"] > 0).sum())),
    border=True,
)
columns[2].metric(
    ui.t(f"Có nguy cơ trễ hạn ({at_risk_days} ngày)", f"At risk ({at_risk_days} days)"),
    ui.number(int((warnings["at_risk_count"] > 0).sum())),
    border=True,
)
columns[3].metric(
    ui.t(f"Không báo cáo quá {stale_after} ngày", f"Silent over {stale_after} days"),
    ui.number(int(warnings["stale"].sum())),
    border=True,
)

ui.download_export(
    ui.t("Tải danh sách cảnh báo (Excel)", "Download the warning list (Excel)"),
    export.warning_list_workbook,
    ui.as_of(),
    ui.province(),
    ui.lang(),
    file_name=f"canh-bao-{ui.as_of():%Y-%m-%d}.xlsx",
    mime=ui.XLSX,
)

listed = views.warning_list(warnings, ui.criteria(), lang, ui.as_of())
# Rows tall enough for the longest reason, wrapped in its column, and for a reporter's name above the phone.
ui.commune_table(listed, views.warning_table(ui.national()), "warning_communes", wrap="reason", min_lines=2)
reporting_table()

tasks_section()
