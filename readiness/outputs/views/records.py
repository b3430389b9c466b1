"""Tables of records the pages list: a commune's submission history, weekly reporting, the accounts. Each is a view
(words and numbers of one frame) with its column spec, as in views.tables."""

import pandas as pd

from readiness.core.enums import Role
from readiness.core.i18n import format_count, format_date, format_datetime, origin_label, review_label, tr
from readiness.intake import flags
from readiness.outputs.views.columns import Column, Table

SUBMISSION_HISTORY = Table(
    (
        # The number the review queue, the CLI (`readiness review approve ID`) and the API name a submission by.
        Column("id", "Số", "No.", kind="int"),
        Column("date_text", "Ngày báo cáo", "Reporting date"),
        Column("received_text", "Nhận lúc", "Received"),
        Column("origin_text", "Nguồn", "Source"),
        Column("received_from", "Gửi từ", "Sent by"),
        Column("reporter_name", "Người báo cáo", "Reporter"),
        Column("green_text", "Tiêu chí đạt", "Criteria met"),
        Column("review_text", "Duyệt", "Review"),
        Column("flags_text", "Cờ cần xem", "Review flags"),
        Column("reason_text", "Lý do trả lại", "Reason returned", page="medium"),
        Column("reviewed_by", "Người duyệt", "Reviewed by"),
        Column("state_text", "Tình trạng", "State"),
    )
)


def _state(counts: bool, superseded: bool, lang: str) -> str:
    if not counts:
        return tr(lang, "Không được tính", "Not counted")
    return tr(lang, "Đã bị thay thế", "Superseded") if superseded else tr(lang, "Đang dùng", "Current")


def submission_history(history: pd.DataFrame, criteria: int, lang: str) -> pd.DataFrame:
    """A commune's submissions (queries.commune_submissions) in words: whether each counts, its review, its review
    flags (codes named, never their sentences: those may name another commune) and why it was returned, its
    criteria met out of the catalog's `criteria`."""
    return history.assign(
        date_text=[format_date(d, lang) for d in history["reporting_date"]],
        received_text=[format_datetime(r, lang) for r in history["received_at"]],
        origin_text=[origin_label(o, lang) for o in history["origin"]],
        green_text=[format_count(g, criteria, lang) for g in history["green_count"]],
        state_text=[_state(c, s, lang) for c, s in zip(history["counts"], history["superseded"], strict=True)],
        review_text=[review_label(r, lang) for r in history["review_status"]],
        flags_text=[", ".join(flags.label(c, lang) for c in codes) for codes in history["flags"]],
        reason_text=[
            f"{reason} ({codes})" if codes else reason
            for reason, codes in zip(history["review_reason"], history["review_criteria"], strict=True)
        ],
    )


WEEKLY_REPORTING = Table(
    (
        Column("week_text", "Tuần", "Week"),
        Column("on_time", "Đúng hạn", "On time", kind="int"),
        Column("late", "Muộn", "Late", kind="int"),
        Column("missing", "Không báo cáo", "Not reported", kind="int"),
        Column("rate", "Tỉ lệ báo cáo", "Reporting rate", kind="progress"),
    )
)


def weekly_reporting(weeks: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Reporting week by week (queries.reporting): the week as dates, the share that reported in percent."""
    return weeks.assign(
        week_text=[
            f"{format_date(a, lang)} – {format_date(b, lang)}"
            for a, b in zip(weeks["week_start"], weeks["week_due"], strict=True)
        ],
        rate=weeks["reported_share"] * 100,
    )


_ROLE_LABELS = {
    Role.ADMIN: ("Quản trị viên", "Administrator"),
    Role.OFFICER: ("Cán bộ Sở KH&CN", "DOST officer"),
    Role.COMMUNE: ("Cán bộ xã, phường", "Commune staff"),
    Role.LEADER: ("Lãnh đạo", "Leader"),
    Role.UNIT: ("Cán bộ sở, ban, ngành", "Department staff"),
}


def role_label(role: str, lang: str) -> str:
    return tr(lang, *_ROLE_LABELS[Role(role)])


ACCOUNTS = Table(
    (
        Column("name", "Tên đăng nhập", "Account"),
        Column("role", "Vai trò", "Role"),
        Column("commune_code", "Mã xã", "Commune code"),
        Column("commune_name", "Xã, phường", "Commune"),
        Column("email", "E-mail", "E-mail"),
        Column("disabled", "Trạng thái", "State"),
        Column("locked_until", "Bị khóa đến", "Locked until"),
        Column("created_at", "Ngày tạo", "Created"),
    )
)


def accounts(listed: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The accounts (auth.list_accounts) in words, under the spec's headers in `lang` (never a hash)."""
    shown = listed.fillna({"commune_code": "", "commune_name": "", "email": ""}).assign(
        role=[role_label(r, lang) for r in listed["role"]],
        disabled=[tr(lang, "Đã vô hiệu hóa", "Disabled") if d else "" for d in listed["disabled"]],
        locked_until=[format_datetime(at, lang) if at is not None else "" for at in listed["locked_until"]],
        created_at=[format_datetime(at, lang) for at in listed["created_at"]],
    )
    return shown[ACCOUNTS.keys("page")].rename(columns={c.key: c.header(lang) for c in ACCOUNTS.columns})


def review_rows(submissions: pd.DataFrame) -> list[dict]:
    """Submissions with their review (review.submissions) as `readiness review list --json` and GET /api/v1/review
    give them: id, commune, reporting date (ISO), origin, status, reason and flag codes."""
    return [
        {
            "id": int(row.id),
            "commune_code": row.commune_code,
            "reporting_date": row.reporting_date.isoformat(),
            "origin": row.origin,
            "status": row.review_status,
            "reason": row.review_reason,
            "flags": list(row.flags),
        }
        for row in submissions.itertuples()
    ]
