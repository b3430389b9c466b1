"""The words of query frames: a status row's value, target, gap and dates said in a language, a warning's reason,
a criterion's total gap, the note beside figures that include pending submissions. Views, charts, mails and the
official report say them through these functions (the vocabulary they use, labels and number formats, is
core.i18n's)."""

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from readiness.core.i18n import (
    format_date,
    format_gap,
    format_number,
    format_target,
    format_total_gap,
    format_value,
    status_label,
    tr,
)


def pending_note(kpis: dict, lang: str) -> str:
    """Beside figures that include submissions not yet reviewed (queries.kpis): how much of them is pending."""
    pending, n = kpis["pending_communes"], kpis["communes"]
    if not pending:
        return ""
    fully = kpis["fully_green_pending"]
    return tr(
        lang,
        f"Số liệu gồm báo cáo chờ duyệt của {format_number(pending, lang)}/{format_number(n, lang)} xã, phường "
        f"(trong đó {format_number(fully, lang)} xã, phường đạt đủ tiêu chí).",
        f"These figures include submissions pending review from {format_number(pending, lang)} of "
        f"{format_number(n, lang)} communes ({format_number(fully, lang)} of them fully green).",
    )


def total_gaps(criteria: pd.DataFrame, lang: str) -> list[str]:
    """`format_total_gap` for each row of a per-criterion frame (queries.by_criterion)."""
    return [
        format_total_gap(k, g, n, u, lang)
        for k, g, n, u in zip(
            criteria["kind"], criteria["gap"], criteria["not_green"], criteria[f"unit_{lang}"], strict=True
        )
    ]


def _each(function: Callable[..., str], *columns: pd.Series) -> list[str]:
    """function(*row) over the columns' rows, computed once per distinct row: a province's 2,016 status rows
    repeat 16 targets, a few reporting dates and many values (this runs at every page run of the heatmap)."""
    said: dict[tuple, str] = {}
    return [
        said[row] if row in said else said.setdefault(row, function(*row))
        for row in zip(*(c.tolist() for c in columns), strict=True)
    ]


def describe_status(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows of queries.status with their words added: name, status_text, value_text, target_text, gap_text,
    date_text (reporting date) and deadline_text, for tables and tooltips."""
    unit, kind = frame[f"unit_{lang}"], frame["kind"]
    return frame.assign(
        name=frame[f"name_{lang}"],
        status_text=_each(lambda s: status_label(s, lang), frame["status"]),
        value_text=_each(
            lambda k, v, o, u: format_value(k, v, o, u, lang), kind, frame["value"], frame["out_of"], unit
        ),
        target_text=_each(lambda k, t, u: format_target(k, t, u, lang), kind, frame["target"], unit),
        gap_text=_each(
            lambda k, g, s, u: format_gap(k, g, s, u, lang), kind, frame["gap"], frame["gap_is_share"], unit
        ),
        date_text=_each(lambda d: format_date(None if pd.isna(d) else d, lang), frame["reporting_date"]),
        deadline_text=_each(lambda d: format_date(d, lang), frame["deadline"]),
    )


def warning_reason(row: object, lang: str, as_of: date | None = None) -> str:
    """Why a commune is on the warning list (a row of queries.warning_list), in one sentence. Given the list's
    `as_of` date, deadlines and the last report are dated: a document read on another day must not say "today"."""
    parts = []
    if row.overdue_count:
        parts.append(
            tr(
                lang,
                f"{row.overdue_count} tiêu chí quá hạn ({row.overdue_criteria}), lâu nhất {row.max_days_overdue} ngày",
                f"{row.overdue_count} overdue ({row.overdue_criteria}), longest {row.max_days_overdue} days",
            )
        )
    if row.at_risk_count:
        days = int(row.days_to_deadline)
        if as_of is not None:
            due = format_date(as_of + timedelta(days=days), lang)
            when = (
                tr(lang, f"hạn ngày {due}", f"due on {due}")
                if days == 0
                else tr(lang, f"hạn gần nhất ngày {due}", f"nearest due on {due}")
            )
        else:
            when = (
                tr(lang, "hạn là hôm nay", "due today")
                if days == 0
                else tr(lang, f"hạn gần nhất còn {days} ngày", f"nearest due in {days} days")
            )
        parts.append(
            tr(
                lang,
                f"{row.at_risk_count} tiêu chí chưa đạt sắp đến hạn ({row.at_risk_criteria}), {when}",
                f"{row.at_risk_count} not met and due soon ({row.at_risk_criteria}), {when}",
            )
        )
    if row.stale:
        if pd.isna(row.days_since_report):
            parts.append(tr(lang, "chưa từng báo cáo", "never reported"))
        elif as_of is not None:
            last = format_date(as_of - timedelta(days=int(row.days_since_report)), lang)
            parts.append(tr(lang, f"báo cáo lần cuối ngày {last}", f"last report on {last}"))
        else:
            days = int(row.days_since_report)
            parts.append(tr(lang, f"không báo cáo {days} ngày", f"no report for {days} days"))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
