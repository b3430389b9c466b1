from datetime import date

import pandas as pd
import streamlit as st

import ui
from readiness.access.permissions import Actor, Permission, allowed, allowed_on_task
from readiness.core.i18n import task_class_label
from readiness.core.settings import get_settings
from readiness.core.task_models import task_units
from readiness.intake import comments, task_import, task_workbook, tasks
from readiness.intake.excel import Outcome
from readiness.outputs import charts
from readiness.outputs.views import tasks as views
from readiness.outputs.views.palette import VERDICT_TINT
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


def import_confirmed(who: Actor, files: list[tuple[str, bytes]], evidence: dict[str, bytes]) -> None:
    """The confirmation: the files ready at the preview, imported as the account logged in now (ui.act found it
    again), each whole or not at all; what became of each is told after the rerun."""
    outcomes = task_import.import_files(files, who, evidence_files=task_import.sent_with(evidence))
    st.session_state["task_upload_told"] = [(ui.plain(o.filename), o.outcome, len(o.problems)) for o in outcomes]
    st.session_state["task_upload_round"] = st.session_state.get("task_upload_round", 0) + 1
    st.session_state.pop("task_upload_checked", None)


def workbooks(expanded: bool) -> None:
    """Plan and progress workbooks sent from the web: checked by a dry run of the import the CLI runs
    (readiness.intake.task_import), shown file by file, then imported on one confirmation."""
    manages = allowed(actor, Permission.MANAGE_TASKS)
    if not manages and not allowed(actor, Permission.REPORT_TASK, actor.own_unit):
        return
    label = ui.t("Nộp kế hoạch, báo cáo tiến độ bằng tệp Excel", "Send the plan or progress reports as Excel files")
    with st.expander(label, icon=":material/upload_file:", expanded=expanded):
        for name, outcome, problems in st.session_state.pop("task_upload_told", []):
            if outcome == Outcome.ACCEPTED:
                st.success(ui.t(f"Đã nhập {name}.", f"Imported {name}."), icon=":material/check_circle:")
            elif outcome == Outcome.DUPLICATE:
                st.warning(ui.t(f"{name} đã được nhập trước đây.", f"{name} was imported before."))
            else:  # something changed since the preview (the plan, the account's rights)
                st.warning(
                    ui.t(
                        f"Không nhập {name}: {problems} lỗi (dữ liệu hoặc quyền đã đổi từ lúc kiểm tra). Tải lên lại "
                        "để xem chi tiết.",
                        f"{name} not imported: {problems} problem(s) (the data or rights changed since the check). "
                        "Upload it again for the detail.",
                    )
                )
        if manages:
            ui.download(
                ui.t("Tải mẫu kế hoạch (.xlsx)", "Download the plan template (.xlsx)"),
                task_workbook.plan_template,
                ui.province(),
                file_name="ke-hoach.xlsx",
                mime=ui.XLSX,
                permission=Permission.MANAGE_TASKS,
                key="plan_template",
            )
        units = dict(zip(frame["lead_unit_code"], frame["lead_unit_name"], strict=True))
        unit = (
            actor.own_unit
            if not manages
            else st.selectbox(
                ui.t("Báo cáo tiến độ của đơn vị", "Progress workbook of"),
                sorted(units),
                format_func=lambda code: f"{units[code]} ({code})",
                index=None,
                placeholder=ui.t("Chọn đơn vị", "Choose a unit"),
                key="progress_unit",
            )
        )
        if unit:
            ui.download(
                ui.t("Tải báo cáo tiến độ của đơn vị (.xlsx)", "Download the unit's progress workbook (.xlsx)"),
                task_workbook.progress_workbook,
                file_name=f"tien-do-{unit}.xlsx",
                mime=ui.XLSX,
                permission=Permission.VIEW_TASKS,
                key="progress_workbook",
                unit_code=unit,
            )
        round_ = st.session_state.setdefault("task_upload_round", 0)
        sent = st.file_uploader(
            ui.t(
                "Các tệp .xlsx, cùng các tệp minh chứng (PDF, JPEG, PNG) mà cột 'Minh chứng' ghi tên",
                "The .xlsx files, with the evidence files (PDF, JPEG, PNG) their 'Minh chứng' column names",
            ),
            type=["xlsx", "pdf", "jpg", "jpeg", "png"],
            accept_multiple_files=True,
            max_upload_size=max(get_settings().upload_limit_mb, get_settings().evidence_limit_mb),
            key=f"task_upload_{round_}",
        )
        books = [(f.name, f.getvalue()) for f in sent or [] if f.name.lower().endswith(".xlsx")]
        evidence = {f.name: f.getvalue() for f in sent or [] if not f.name.lower().endswith(".xlsx")}
        if not books:
            if evidence:
                st.info(ui.t("Thêm tệp Excel ghi tên các tệp minh chứng này.", "Add the workbook naming these files."))
            return
        # Checked once per set of files (the page reruns on every click); only the verdicts are kept.
        batch = tuple(f.file_id for f in sent)
        checked = st.session_state.get("task_upload_checked")
        if checked is None or checked[0] != batch:
            found = task_import.sent_with(evidence)
            checked = (batch, task_import.import_files(books, actor, dry_run=True, evidence_files=found))
            st.session_state["task_upload_checked"] = checked
        outcomes = checked[1]
        rows = views.task_imports(outcomes, ui.lang())
        tints = [VERDICT_TINT["checked" if o.outcome == Outcome.ACCEPTED else str(o.outcome)] for o in outcomes]
        st.caption(ui.t("Kết quả kiểm tra; chưa có gì được ghi.", "Checked; nothing has been stored yet."))
        ui.table(
            rows,
            views.TASK_IMPORTS,
            style=lambda shown: shown.style.apply(
                lambda column: [f"background-color: {c}" if column.name == "verdict_text" else "" for c in tints]
            ),
            width="stretch",
            key=f"task_verdicts_{round_}",
        )
        for outcome in outcomes:
            if outcome.outcome == Outcome.REJECTED:  # every problem, cell by cell (no expander in an expander)
                name = ui.plain(outcome.filename)
                st.error(
                    ui.t(f"{name}: sửa các ô dưới đây rồi tải lên lại.", f"{name}: fix these cells, upload again.")
                )
                ui.problems_table(outcome.problems)
        ready = [book for book, o in zip(books, outcomes, strict=True) if o.outcome == Outcome.ACCEPTED]
        if ready and (left_out := task_import.unnamed(list(evidence), outcomes)):
            listed = ", ".join(ui.plain(name) for name in left_out)
            st.warning(
                ui.t(
                    f"Không tệp Excel nào ghi tên các tệp này ở cột 'Minh chứng', nên chúng sẽ không được lưu: "
                    f"{listed}.",
                    f"No workbook names these files in its 'Minh chứng' column, so they will not be stored: {listed}.",
                )
            )
        if ready and st.button(
            ui.t(f"Xác nhận nhập {len(ready)} tệp sẵn sàng", f"Confirm import of the {len(ready)} ready file(s)"),
            type="primary",
            icon=":material/check:",
            key="task_upload_confirm",
        ):
            # done="": import_confirmed tells what became of each file itself (one may be refused by now).
            ui.act(import_confirmed, ready, evidence, done="", own_transactions=True)


ui.show_done()
with ui.session() as session:
    frame = register.register(session, as_of, province=ui.province())
workbooks(expanded=frame.empty)
if frame.empty:
    st.info(
        ui.t(
            "Chưa có nhiệm vụ nào. Sở KH&CN nhập kế hoạch bằng mẫu Excel, ở mục trên hoặc bằng readiness tasks "
            "template rồi readiness tasks import.",
            "No task yet. The DOST imports the plan with the Excel template, above, or with readiness tasks "
            "template, then readiness tasks import.",
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
