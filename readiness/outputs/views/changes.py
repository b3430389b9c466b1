"""What a submission changes against the commune's previous counting submission (reading.changes), as the review
queue shows it: a sentence of counts and a table of the criteria, turning green or red first."""

import pandas as pd

from readiness.core.i18n import format_value, status_label, tr
from readiness.outputs.views.columns import Column, Table
from readiness.reading.changes import NEWLY_GREEN, NO_LONGER_GREEN, VALUE

# Each kind of change in words, in the order the table lists them (no change last).
_CHANGES = {
    NEWLY_GREEN: ("Mới đạt", "Newly green"),
    NO_LONGER_GREEN: ("Không còn đạt", "No longer green"),
    VALUE: ("Đổi giá trị", "Value changed"),
    "": ("", ""),
}

REVIEW_CHANGES = Table(
    (
        Column("criterion_code", "Mã", "Code"),
        Column("name", "Tiêu chí", "Criterion", page="medium"),
        Column("change_text", "Thay đổi", "Change"),
        Column("status_text", "Trạng thái trước → sau", "Status before → after"),
        Column("before", "Giá trị trước", "Value before"),
        Column("after", "Giá trị mới", "Value now"),
    )
)


def _values(changes: pd.DataFrame, value: str, out_of: str, lang: str) -> list[str]:
    columns = (changes["kind"], changes[value], changes[out_of], changes[f"unit_{lang}"])
    return [format_value(k, v, o, u, lang) for k, v, o, u in zip(*columns, strict=True)]


def review_changes(changes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One submission's rows of review.changes_of (reading.changes.of_submissions) in words: criteria turning green
    or red first, then values that moved, then the rest, each in catalog order; statuses and values before →
    after."""
    order = {change: rank for rank, change in enumerate(_CHANGES)}
    return (
        changes.assign(
            rank=changes["change"].map(order),
            name=changes[f"name_{lang}"],
            before=_values(changes, "value_before", "out_of_before", lang),
            after=_values(changes, "value", "out_of", lang),
            status_text=[
                f"{status_label(b, lang)} → {status_label(a, lang)}"
                for b, a in zip(changes["status_before"], changes["status"], strict=True)
            ],
            change_text=[tr(lang, *_CHANGES[c]) for c in changes["change"]],
        )
        .sort_values(["rank", "position"])
        .reset_index(drop=True)
    )


def review_sentence(changes: pd.DataFrame, lang: str) -> str:
    """Above the table: which submission it is set against and how many criteria turned green, turned red, or
    changed value (Markdown)."""
    previous = changes["previous_submission_id"].iloc[0]
    since = f"({int(previous)})" if pd.notna(previous) else tr(lang, "(chưa có)", "(none)")
    gained, lost, moved = (int((changes["change"] == c).sum()) for c in (NEWLY_GREEN, NO_LONGER_GREEN, VALUE))
    return tr(
        lang,
        f"**So với báo cáo được tính trước đó** {since}: {gained} tiêu chí mới đạt, {lost} không còn đạt, "
        f"{moved} đổi giá trị.",
        f"**Against the previously counting submission** {since}: {gained} newly green, {lost} no longer green, "
        f"{moved} values changed.",
    )
