from datetime import date

import pandas as pd
import streamlit as st

import ui
from readiness.access.permissions import Permission, allowed, allowed_on_task
from readiness.core.i18n import task_class_label
from readiness.core.settings import get_settings
from readiness.core.task_models import task_units
from readiness.intake import comments, tasks
from readiness.outputs import charts
from readiness.outputs.views import tasks as views
from readiness.reading import tasks as register

actor = ui.logged_in()
st.title(ui.t("Nhiệm vụ", "Tasks"))
as_of = ui.as_of()
st.caption(
    ui.t(
        f"Nhiệm vụ theo Kế hoạch thực hiện Nghị quyết 57-NQ/TW, tính đến ngày {ui.day(as_of)}",
        f"Tasks of the Resolution 57 plan, as of {ui.day(as_of)}",
    )
)
ui.show_done()
with ui.session() as session:
    frame = register.register(session, as_of)
if frame.empty:
    st.info(
        ui.t(
            "Chưa có nhiệm vụ nào. Sở KH&CN nhập kế hoạch bằng mẫu Excel: readiness tasks template, rồi "
            "readiness tasks import.",
            "No task yet. The DOST imports the plan with the Excel template: readiness tasks template, then "
            "readiness tasks import.",
        ),
        icon=":material/assignment:",
    )
    st.stop()

own_unit = actor.own_unit
own = frame[frame["lead_unit_code"] == own_unit] if own_unit else frame.iloc[0:0]
if own_unit:
    st.subheader(ui.t("Nhiệm vụ đơn vị chủ trì", "Tasks your unit leads"))
    if own.empty:
        st.caption(ui.t("Đơn vị chưa được giao nhiệm vụ nào.", "Your unit leads no task."))
    else:
        ui.table(views.task_list(own, ui.lang()), views.TASK_LIST, key="own_tasks")

summary = register.summary(frame, as_of)
done, going = summary["done"], summary["in_progress"]
cells = st.columns(4)
cells[0].metric(ui.t("Tổng số nhiệm vụ", "Tasks"), ui.number(summary["total"]))
cells[1].metric(
    ui.t("Đã hoàn thành", "Done"),
    ui.number(done["total"]),
    ui.t(
        f"đúng hạn {ui.number(done['on_time'])}, quá hạn {ui.number(done['late'])}",
        f"{ui.number(done['on_time'])} on time, {ui.number(done['late'])} late",
    ),
    delta_color="off",
    delta_arrow="off",
)
cells[2].metric(
    ui.t("Đang thực hiện", "In progress"),
    ui.number(going["total"]),
    ui.t(
        f"trong hạn {ui.number(going['within'])}, quá hạn {ui.number(going['overdue'])}",
        f"{ui.number(going['within'])} within, {ui.number(going['overdue'])} overdue",
    ),
    delta_color="off",
    delta_arrow="off",
)
cells[3].metric(ui.t("Thường xuyên", "Continuous"), ui.number(summary["continuous"]))

st.subheader(ui.t("Bảng tổng hợp", "Headline table"))
headline = views.headline(frame, ui.lang())
ui.table(headline, views.HEADLINE, key="headline", height=38 + 35 * len(headline))
ui.chart(charts.task_class_chart(headline, ui.lang()))

at_risk = get_settings().at_risk_days
scorecard, late, soon, kpis, every = st.tabs(
    [
        ui.t("Bảng điểm đơn vị", "Unit scorecard"),
        ui.t("Quá hạn", "Overdue"),
        ui.t(f"Đến hạn trong {at_risk} ngày", f"Due within {at_risk} days"),
        ui.t("Chỉ tiêu (KPI)", "KPIs"),
        ui.t("Tất cả nhiệm vụ", "All tasks"),
    ]
)
with scorecard:
    st.caption(
        ui.t(
            "Xếp theo tỉ lệ nhiệm vụ (có thời hạn) hoàn thành đúng hạn, rồi ít nhiệm vụ quá hạn hơn.",
            "By the share of tasks (with a deadline) done on time, then fewer overdue.",
        )
    )
    ui.table(views.scorecard(frame), views.SCORECARD, key="scorecard")
with late:
    ui.table(views.task_list(register.overdue(frame), ui.lang()), views.TASK_LIST, key="overdue")
with soon:
    ui.table(views.task_list(register.due_soon(frame, at_risk), ui.lang()), views.TASK_LIST, key="due_soon")
with kpis:
    ui.table(views.kpis(frame), views.KPIS, key="kpis")
with every:
    ui.table(views.task_list(frame, ui.lang()), views.TASK_LIST, key="all_tasks")

st.subheader(ui.t("Chi tiết nhiệm vụ", "Task detail"))
ordered = list(own["code"]) + [code for code in frame["code"] if code not in set(own["code"])]
contents = dict(zip(frame["code"], frame["content"], strict=True))
code = st.selectbox(
    ui.t("Nhiệm vụ", "Task"), ordered, format_func=lambda c: f"{c} — {contents[c][:90]}", key="task_code"
)
task = frame[frame["code"] == code].iloc[0]
left, right = st.columns(2)
left.markdown(f"**{ui.plain(task['content'])}**")
left.write(
    ui.t("Đơn vị chủ trì", "Lead unit")
    + f": {ui.plain(task['lead_unit_name'])} · "
    + ui.t("Văn bản giao", "Assigned by")
    + f": {ui.plain(task['source_document'] or '–')}"
)
deadline = task["deadline_as_of"]
right.write(
    ui.t("Thời hạn", "Deadline")
    + f": {ui.day(deadline) if isinstance(deadline, date) else ui.t('Thường xuyên', 'Continuous')} · "
    + ui.t("Tình trạng", "Status")
    + f": {task_class_label(task['task_class'], ui.lang())}"
)
with ui.session() as session:
    parts = tasks.history(session, actor, code)
ui.table(views.history(parts, ui.lang()), views.HISTORY, key="history")
for file in parts["evidence"].itertuples():
    with ui.session() as session:
        download = tasks.evidence_content(session, actor, file.id)
    st.download_button(
        f"{file.filename} ({file.uploaded_by})",
        download.content,
        file_name=download.filename,
        mime=download.media_type,
        key=f"evidence_{file.id}",
        icon=":material/attach_file:",
    )

if allowed(actor, Permission.REVIEW):
    pending = parts["completions"][parts["completions"]["review_status"] == "pending"]
    for completion in pending.itertuples():
        st.info(
            ui.t(
                f"Báo cáo hoàn thành ngày {ui.day(completion.done_on)} của {completion.reported_by} chờ duyệt.",
                f"Completion on {ui.day(completion.done_on)} by {completion.reported_by} awaits review.",
            )
        )
        reason = st.text_input(ui.t("Lý do trả lại", "Reason to return"), key=f"reason_{completion.id}")
        approve, give_back = st.columns(2)
        if approve.button(ui.t("Duyệt", "Approve"), key=f"approve_{completion.id}", icon=":material/check:"):
            ui.act(tasks.review_completion, int(completion.id), True, "", done=ui.t("Đã duyệt.", "Approved."))
        if give_back.button(ui.t("Trả lại", "Return"), key=f"return_{completion.id}", icon=":material/undo:"):
            ui.act(tasks.review_completion, int(completion.id), False, reason, done=ui.t("Đã trả lại.", "Returned."))

if allowed(actor, Permission.REPORT_TASK, task["lead_unit_code"]):
    with st.form("report", clear_on_submit=True):
        st.markdown(f"**{ui.t('Báo cáo tiến độ', 'Report progress')}**")
        percent = st.slider(
            ui.t("Tiến độ (%)", "Progress (%)"),
            0,
            100,
            int(task["percent"]) if pd.notna(task["percent"]) else 0,
            step=5,
        )
        result = st.text_area(ui.t("Kết quả", "Result"))
        difficulties = st.text_area(ui.t("Khó khăn, vướng mắc", "Difficulties"))
        kpi_value = (
            st.number_input(ui.t("Giá trị hiện tại của chỉ tiêu", "KPI current value"), value=None)
            if task["kpi_indicator"]
            else None
        )
        finished = st.checkbox(ui.t("Nhiệm vụ đã hoàn thành", "The task is done"))
        done_on = st.date_input(ui.t("Ngày hoàn thành", "Done on"), value=None, format="DD/MM/YYYY")
        upload = st.file_uploader(ui.t("Minh chứng (PDF, JPEG, PNG)", "Evidence (PDF, JPEG, PNG)"))
        if st.form_submit_button(ui.t("Gửi báo cáo", "Send"), icon=":material/send:"):
            if finished and done_on is None:
                st.error(ui.t("Ghi ngày hoàn thành.", "Give the day the task was done."))
            else:
                ui.act(
                    tasks.report,
                    code,
                    float(percent),
                    result,
                    difficulties,
                    kpi_value,
                    done_on if finished else None,
                    (upload.name, upload.getvalue()) if upload is not None else None,
                    done=ui.t("Đã gửi báo cáo.", "Report sent."),
                )

st.markdown(f"**{ui.t('Trao đổi về nhiệm vụ', 'Messages about the task')}**")
units = task_units(task["lead_unit_code"], task["coordinating_unit_codes"])
if not allowed_on_task(actor, units):
    st.caption(
        ui.t(
            "Trao đổi về nhiệm vụ này dành cho đơn vị chủ trì, đơn vị phối hợp và Sở KH&CN.",
            "The messages about this task are for its lead and coordinating units and the DOST.",
        )
    )
else:
    ui.messages(
        lambda session, who, newest: comments.task_thread(session, who, code, newest),
        lambda message: "",
        "task_messages",
        code,
    )
    if allowed_on_task(actor, units, write=True):
        with st.form("task_message_form", clear_on_submit=True):
            text = st.text_area(ui.t("Viết trao đổi", "Write a message"), key="task_message")
            if st.form_submit_button(ui.t("Gửi", "Send"), icon=":material/send:"):
                ui.act(comments.add_on_task, code, text, done=ui.t("Đã gửi trao đổi.", "Message sent."))
