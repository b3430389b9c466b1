"""The task register's tables as shown (page, and later the PDF and Excel): column specs and the frames they read,
built from readiness.reading.tasks' classified register."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from readiness.core.i18n import review_label, task_class_label, tr
from readiness.outputs.views.columns import Column, Table
from readiness.reading import tasks as register

if TYPE_CHECKING:
    from readiness.intake.task_import import TaskImportOutcome

HEADLINE = Table(
    (
        Column("row", "Nhóm", "Group", page="large", pdf=62, xlsx=48),
        Column("total", "Tổng số", "Total", "int", page="small", pdf=15, xlsx=10, align="R"),
        Column("on_time", "Xong đúng hạn", "Done on time", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column("late", "Xong quá hạn", "Done late", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column("within", "Đang làm, trong hạn", "In progress, within", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column("overdue", "Đang làm, quá hạn", "In progress, overdue", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column("continuous", "Thường xuyên", "Continuous", "int", page="small", pdf=20, xlsx=12, align="R"),
    )
)


def headline(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row for all tasks, then one per level and one per objective: the steering committee's table."""
    rows = [{"row": tr(lang, "Tất cả nhiệm vụ", "All tasks"), "total": len(frame), **register.counts(frame)}]
    for by, prefix in (("level", tr(lang, "Cấp giao", "Level")), ("objective", tr(lang, "Mục tiêu", "Objective"))):
        for row in register.breakdown(frame, by).to_dict("records"):
            rows.append({**row, "row": f"{prefix}: {row.pop(by)}"})
    return pd.DataFrame(rows, columns=HEADLINE.keys("page"))


SCORECARD = Table(
    (
        Column("rank", "Hạng", "Rank", "int", page="small", pdf=12, xlsx=7, align="R"),
        Column("lead_unit_name", "Đơn vị chủ trì", "Lead unit", page="large", pdf=80, xlsx=50),
        Column("total", "Nhiệm vụ", "Tasks", "int", page="small", pdf=16, xlsx=10, align="R"),
        Column("on_time", "Xong đúng hạn", "Done on time", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column("late", "Xong quá hạn", "Done late", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column("overdue", "Đang quá hạn", "Overdue", "int", page="small", pdf=20, xlsx=12, align="R"),
        Column(
            "on_time_share", "Tỉ lệ đúng hạn", "Share on time", "progress", page="medium", pdf=20, xlsx=12, align="R"
        ),
    )
)


def scorecard(frame: pd.DataFrame) -> pd.DataFrame:
    card = register.scorecard(frame)
    return card.assign(on_time_share=card["on_time_share"] * 100)


TASK_LIST = Table(
    (
        Column("code", "Mã", "Code", page="small", pdf=16, xlsx=12),
        Column("content", "Nhiệm vụ", "Task", page="large", pdf=62, xlsx=60),
        Column("lead_unit_name", "Đơn vị chủ trì", "Lead unit", page="medium", pdf=40, xlsx=36),
        Column("deadline_as_of", "Thời hạn", "Deadline", "date", page="small", pdf=18, xlsx=12, align="C"),
        Column("days", "Số ngày", "Days", "int", page="small", pdf=12, xlsx=8, align="R"),
        Column("class_text", "Tình trạng", "Status", page="medium", pdf=30, xlsx=28),
        Column("percent", "Tiến độ", "Progress", "progress", page="small", xlsx=10),
    )
)


# The official report's annex and the warning list's table of overdue tasks: every task in it is overdue, so its
# days are days overdue and its class goes without saying. On the page the content wraps in 300 px (ui.table's
# `wrap`), which leaves the whole row in view at 1280 px.
OVERDUE_LIST = (
    TASK_LIST.without(["class_text"])
    .changed("content", page=300)
    .changed("content", pdf=58)
    .changed("lead_unit_name", pdf=38)
    .changed("deadline_as_of", pdf=20)
    .changed("days", vi="Số ngày quá hạn", en="Days overdue", pdf=18)
    .changed("percent", pdf=14)
)
# The warning list's tasks due soon: all within their deadline, their days are days left.
DUE_SOON_LIST = (
    TASK_LIST.without(["class_text"]).changed("content", page=300).changed("days", vi="Số ngày còn lại", en="Days left")
)


def task_list(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.assign(class_text=[task_class_label(c, lang) for c in frame["task_class"]])


KPIS = Table(
    (
        Column("code", "Mã", "Code", page="small"),
        Column("kpi_indicator", "Chỉ tiêu", "Indicator", page="large"),
        Column("kpi_target", "Mục tiêu", "Target", "number", page="small"),
        Column("kpi_value", "Hiện tại", "Current", "number", page="small"),
        Column("kpi_unit", "Đơn vị tính", "Unit", page="small"),
        Column("kpi_progress", "Đạt", "Reached", "progress", page="medium"),
        Column("lead_unit_name", "Đơn vị chủ trì", "Lead unit", page="medium"),
    )
)


def kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """Tasks with a KPI: target, current value and how much of the target is reached (capped at 100%)."""
    rows = frame[frame["kpi_indicator"].fillna("") != ""].copy()
    target = pd.to_numeric(rows["kpi_target"], errors="coerce")
    value = pd.to_numeric(rows["kpi_value"], errors="coerce")
    rows["kpi_progress"] = (value / target.where(target > 0) * 100).clip(upper=100)
    return rows


HISTORY = Table(
    (
        Column("when", "Thời điểm", "When", "datetime", page="medium"),
        Column("what", "Nội dung", "What", page="large"),
        Column("who", "Người báo cáo", "By", page="small"),
    )
)


def history(parts: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """A task's extensions, progress reports and completions as one timeline, newest first."""
    rows = []
    for e in parts["extensions"].itertuples():
        rows.append(
            {
                "when": pd.Timestamp(e.decision_date).tz_localize("UTC"),
                "what": tr(
                    lang,
                    f"Gia hạn đến {e.deadline:%d/%m/%Y} theo {e.decision_number} ngày {e.decision_date:%d/%m/%Y}",
                    f"Extended to {e.deadline:%d/%m/%Y} by {e.decision_number} of {e.decision_date:%d/%m/%Y}",
                ),
                "who": e.recorded_by,
            }
        )
    for p in parts["progress"].itertuples():
        done = "" if pd.isna(p.percent) else f"{p.percent:g}%"
        text = "; ".join(
            x for x in (done, p.result, p.difficulties and f"{tr(lang, 'Vướng mắc', 'Issues')}: {p.difficulties}") if x
        )
        rows.append({"when": p.received_at, "what": tr(lang, "Tiến độ: ", "Progress: ") + text, "who": p.reported_by})
    for c in parts["completions"].itertuples():
        status = review_label(c.review_status, lang)
        reason = f" — {c.review_reason}" if c.review_reason else ""
        rows.append(
            {
                "when": c.received_at,
                "what": tr(lang, f"Hoàn thành ngày {c.done_on:%d/%m/%Y}", f"Done on {c.done_on:%d/%m/%Y}")
                + f" ({status}{reason}). {c.result}".rstrip(),
                "who": c.reported_by,
            }
        )
    frame = pd.DataFrame(rows, columns=["when", "what", "who"])
    if frame.empty:
        return frame
    frame["when"] = pd.to_datetime(frame["when"], utc=True)
    return frame.sort_values("when", ascending=False).reset_index(drop=True)


TASK_IMPORTS = Table(
    (
        Column("filename", "Tệp", "File", page="medium"),
        Column("kind_text", "Loại", "Kind", page="small"),
        Column("verdict_text", "Kết quả kiểm tra", "Verdict", page="small"),
        Column("changes_text", "Thay đổi", "What changes", page="large"),
    )
)

_KINDS = {"task_plan": ("Kế hoạch nhiệm vụ", "Task plan"), "task_progress": ("Báo cáo tiến độ", "Progress report")}
# A dry run's "accepted" is a file ready to import.
_VERDICTS = {"accepted": ("Sẵn sàng nhập", "Ready"), "duplicate": ("Đã nhập trước đây", "Duplicate")}


def task_imports(outcomes: Sequence["TaskImportOutcome"], lang: str) -> pd.DataFrame:
    """Plan and progress workbooks checked at once (a dry run of readiness.intake.task_import), one row each: its
    kind, the verdict, and what importing it changes or how many problems it has."""
    rows = []
    for o in outcomes:
        if o.outcome == "rejected":
            verdict = tr(lang, "Có lỗi", "Problems")
            changes = tr(lang, f"{len(o.problems)} lỗi", f"{len(o.problems)} problem(s)")
        else:
            verdict = tr(lang, *_VERDICTS[str(o.outcome)])
            changes = "–" if o.outcome == "duplicate" else _changes(o, lang)
        kind = tr(lang, *_KINDS[o.kind]) if o.kind in _KINDS else "–"
        rows.append({"filename": o.filename, "kind_text": kind, "verdict_text": verdict, "changes_text": changes})
    return pd.DataFrame(rows, columns=TASK_IMPORTS.keys("page"), dtype=object)


def _changes(o: "TaskImportOutcome", lang: str) -> str:
    """What a ready file changes, in the words of its kind: tasks for a plan, reports for a progress workbook."""
    if o.kind == "task_plan":
        return tr(
            lang, f"{o.created} nhiệm vụ mới, {o.updated} cập nhật", f"{o.created} new tasks, {o.updated} updated"
        )
    return tr(
        lang,
        f"{o.progress} báo cáo tiến độ, {o.completions} báo cáo hoàn thành, {o.evidence} tệp minh chứng",
        f"{o.progress} progress reports, {o.completions} completions, {o.evidence} evidence files",
    )
