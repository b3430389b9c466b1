"""The task register in words: the steering committee's sentence, the lines of the weekly warning mails, the
official report's section. Every figure comes from readiness.reading.tasks (one classification)."""

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from readiness.core.enums import TaskLevel, UnitKind
from readiness.core.i18n import format_date, format_number
from readiness.core.models import Account, Role
from readiness.core.task_models import Unit
from readiness.reading import tasks as register


def committee_sentence(summary: dict, level: str = TaskLevel.CENTRAL, lang: str = "vi") -> str:
    """ "Tổng số 187 nhiệm vụ Trung ương giao: đã hoàn thành 98 (đúng hạn 83, quá hạn 15); đang thực hiện 89
    (trong hạn 70, quá hạn 19)" for a summary of one level's tasks (`register.summary`)."""
    done, going, continuous = summary["done"], summary["in_progress"], summary["continuous"]
    n = lambda value: format_number(value, lang)  # noqa: E731
    if lang == "vi":
        sentence = (
            f"Tổng số {n(summary['total'])} nhiệm vụ {level} giao: đã hoàn thành {n(done['total'])} "
            f"(đúng hạn {n(done['on_time'])}, quá hạn {n(done['late'])}); đang thực hiện {n(going['total'])} "
            f"(trong hạn {n(going['within'])}, quá hạn {n(going['overdue'])})"
        )
        return sentence + (f"; thường xuyên {n(continuous)}" if continuous else "")
    by = "the central level" if level == TaskLevel.CENTRAL else "the province"
    sentence = (
        f"Of the {n(summary['total'])} tasks set by {by}: {n(done['total'])} done ({n(done['on_time'])} on time, "
        f"{n(done['late'])} late); {n(going['total'])} in progress ({n(going['within'])} within the deadline, "
        f"{n(going['overdue'])} overdue)"
    )
    return sentence + (f"; {n(continuous)} continuous" if continuous else "")


def level_sentences(frame: pd.DataFrame, as_of: date, lang: str = "vi") -> list[str]:
    """One committee sentence per level that has tasks, for classified tasks (`register.register`)."""
    return [
        committee_sentence(register.summary(frame[frame["level"] == level], as_of), level, lang) + "."
        for level in TaskLevel
        if (frame["level"] == level).any()
    ]


def report_section(frame: pd.DataFrame, as_of: date, annex: str) -> list[str]:
    """The official report's tasks section for classified tasks (`register.register`): one committee sentence per
    level that has tasks, then how many tasks are overdue, referring to the `annex` ("Phụ lục IV") that lists
    them; nothing without tasks."""
    if frame.empty:
        return []
    overdue, day = len(register.overdue(frame)), format_date(as_of, "vi")
    if overdue:
        said = f"Có {format_number(overdue, 'vi')} nhiệm vụ đang thực hiện đã quá hạn, chi tiết tại {annex}."
    else:
        said = f"Tính đến ngày {day}, không có nhiệm vụ nào đang thực hiện quá hạn ({annex})."
    return [*level_sentences(frame, as_of), said]


def _task_line(row: object, soon: bool) -> str:
    deadline = format_date(row.deadline_as_of, "vi")
    when = f"còn {row.days} ngày (hạn {deadline})" if soon else f"quá hạn {row.days} ngày (hạn {deadline})"
    return f"- {row.code} {row.content}: {when}."


def leaders_lines(frame: pd.DataFrame, at_risk_days: int) -> list[str]:
    """The tasks part of the whole warning list: overdue tasks by lead unit, and those due within the days."""
    overdue, soon = register.overdue(frame), register.due_soon(frame, at_risk_days)
    lines = ["", f"Nhiệm vụ: {len(overdue)} nhiệm vụ quá hạn, {len(soon)} nhiệm vụ đến hạn trong {at_risk_days} ngày."]
    for unit, group in overdue.groupby("lead_unit_name", sort=True):
        lines.append(f"{unit}: {len(group)} nhiệm vụ quá hạn ({', '.join(group['code'])}).")
    return lines


def unit_items(frame: pd.DataFrame, at_risk_days: int) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per lead unit with something to say: its overdue tasks and its tasks due within the days."""
    overdue, soon = register.overdue(frame), register.due_soon(frame, at_risk_days)
    units = sorted(set(overdue["lead_unit_code"]) | set(soon["lead_unit_code"]))
    return {unit: (overdue[overdue["lead_unit_code"] == unit], soon[soon["lead_unit_code"] == unit]) for unit in units}


def unit_lines(name: str, overdue: pd.DataFrame, soon: pd.DataFrame, at_risk_days: int, as_of: date) -> list[str]:
    lines = [
        f"Kính gửi {name},",
        "",
        f"Theo dõi thực hiện Kế hoạch triển khai Nghị quyết 57-NQ/TW đến ngày {format_date(as_of, 'vi')}, các "
        f"nhiệm vụ do {name} chủ trì cần được quan tâm:",
    ]
    if not overdue.empty:
        lines += ["", f"Nhiệm vụ quá hạn ({len(overdue)}):"] + [_task_line(r, False) for r in overdue.itertuples()]
    if not soon.empty:
        lines += ["", f"Nhiệm vụ đến hạn trong {at_risk_days} ngày ({len(soon)}):"]
        lines += [_task_line(r, True) for r in soon.itertuples()]
    lines += ["", "Đề nghị đơn vị khẩn trương hoàn thành và báo cáo tiến độ, kết quả trên hệ thống."]
    return lines


def unit_recipients(session: Session, codes: list[str]) -> dict[str, list[str]]:
    """Per unit: the addresses of the units file, and the e-mails of the enabled accounts acting for the unit (a
    department's unit accounts, a commune's commune accounts)."""
    found: dict[str, list[str]] = {}
    units = session.scalars(select(Unit).where(Unit.code.in_(codes))).all()
    for unit in units:
        found[unit.code] = [a for a in unit.emails.split(",") if a]
    accounts = session.execute(
        select(Account.unit_code, Account.commune_code, Account.role, Account.email).where(
            Account.email.is_not(None), Account.disabled.is_(False), Account.role.in_([Role.UNIT, Role.COMMUNE])
        )
    ).all()
    kinds = {u.code: u.kind for u in units}
    for unit_code, commune_code, role, address in accounts:
        code = unit_code if role == Role.UNIT else commune_code
        if code in kinds and (role == Role.UNIT) == (kinds[code] == UnitKind.DEPARTMENT):
            found[code].append(address.strip().lower())
    return {code: list(dict.fromkeys(addresses)) for code, addresses in found.items() if addresses}
