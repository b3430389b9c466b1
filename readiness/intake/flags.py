"""Review flags: what points the reviewer at a doubtful submission, found when it arrives and stored with it.

- superseded: a newer submission for the same commune and reporting date replaced this pending one. It becomes
  ReviewStatus.SUPERSEDED: it leaves the queue, cannot be approved and never counts again (readiness.reading.counting),
  whatever becomes of the newer one.
- regression: a criterion green in the commune's previous counting submission is red now.
- jump: a number or a share moves by more than READINESS_JUMP_SHARE of its target in one report, or an "out of"
  changes by more than half.
- same_values: every numeric value (at least MIN_SAME_VALUES numeric criteria) equals another commune's
  submission of the same reporting week (both are flagged).
- no_evidence: a criterion the catalog marks evidence_required turns green while the commune has no evidence file
  for it (looked at again when the commune attaches one).
- backdated: the reporting date is more than READINESS_BACKDATE_DAYS before the arrival (Vietnam dates).

"Previous counting submission" and what changed against it come from readiness.reading.changes, as everywhere.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from readiness.access import audit
from readiness.core.enums import CriterionKind
from readiness.core.i18n import format_date, format_value, tr
from readiness.core.models import (
    Commune,
    Criterion,
    EvidenceFile,
    Result,
    ReviewStatus,
    Submission,
    SubmissionFlag,
)
from readiness.core.scoring import Status, share
from readiness.core.settings import get_settings
from readiness.reading import changes as compared
from readiness.reading.counting import counting

SUPERSEDED, REGRESSION, JUMP, SAME_VALUES, NO_EVIDENCE, BACKDATED = (
    "superseded",
    "regression",
    "jump",
    "same_values",
    "no_evidence",
    "backdated",
)
# Every code with its short name (filters, legends), in the order pages list them.
LABELS = {
    SUPERSEDED: ("Đã bị thay thế", "Replaced"),
    REGRESSION: ("Tụt hạng", "Regression"),
    JUMP: ("Thay đổi đột ngột", "Jump"),
    SAME_VALUES: ("Trùng số liệu xã khác", "Same values as another commune"),
    NO_EVIDENCE: ("Thiếu minh chứng", "No evidence"),
    BACKDATED: ("Lùi ngày", "Backdated"),
}
# The flags a submission's own content decides (recomputed together); superseded and same_values relate it to others.
_OWN = (REGRESSION, JUMP, NO_EVIDENCE, BACKDATED)
MIN_SAME_VALUES = 4
_NUMERIC = (CriterionKind.NUMBER, CriterionKind.RATIO)


def label(code: str, lang: str) -> str:
    return tr(lang, *LABELS.get(code, (code, code)))


def on_arrival(session: Session, ids: list[int], flag: bool = True) -> None:
    """Supersede the pending submissions that newly stored pending ones replace, and (`flag`) flag the new ones
    (submissions.save calls this in the same transaction). An importer storing file after file, one transaction
    each, passes flag=False and calls `flag_new` once for many files: the flags are computed in one pass."""
    arrived = (
        session.execute(
            select(Submission)
            .where(Submission.id.in_(ids), Submission.review_status == ReviewStatus.PENDING)
            .order_by(Submission.id)
        )
        .scalars()
        .all()
    )
    for submission in arrived:
        _supersede(session, submission)
    if flag:
        _flag(session, arrived)


def flag_new(session: Session, ids: list[int]) -> None:
    """Flag stored submissions that are still pending (those arrived with on_arrival's flag=False)."""
    pending = session.execute(
        select(Submission).where(Submission.id.in_(ids), Submission.review_status == ReviewStatus.PENDING)
    ).scalars()
    _flag(session, list(pending))


def _flag(session: Session, arrived: list[Submission]) -> None:
    # In one pass for the batch: a province workbook brings 126 submissions (3,321 nationally) at once.
    refresh(session, arrived)
    _same_values(session, arrived)


def _supersede(session: Session, newer: Submission) -> None:
    replaced = (
        session.execute(
            select(Submission.id).where(
                Submission.commune_code == newer.commune_code,
                Submission.reporting_date == newer.reporting_date,
                Submission.review_status == ReviewStatus.PENDING,
                Submission.id != newer.id,
                Submission.received_at <= newer.received_at,
            )
        )
        .scalars()
        .all()
    )
    if not replaced:
        return
    session.execute(update(Submission).where(Submission.id.in_(replaced)).values(review_status=ReviewStatus.SUPERSEDED))
    for old in replaced:
        _store(
            session,
            old,
            SUPERSEDED,
            f"Báo cáo số {newer.id} mới hơn, cùng ngày báo cáo, thay thế báo cáo này: không duyệt được, không bao "
            "giờ được tính.",
            f"Newer submission {newer.id}, for the same reporting date, replaces it: it cannot be approved and never "
            "counts.",
        )
        audit.record(
            session,
            newer.received_from,
            "review.superseded",
            f"submission {old}, {newer.commune_code}",
            f"pending → superseded by submission {newer.id}",
        )


def refresh(session: Session, stored: list[Submission]) -> None:
    """(Re)compute the flags the submissions' own content decides: regression, jump, no_evidence, backdated."""
    if not stored:
        return
    ids = [s.id for s in stored]
    session.execute(delete(SubmissionFlag).where(SubmissionFlag.submission_id.in_(ids), SubmissionFlag.code.in_(_OWN)))
    frame = pd.concat(compared.of_submissions(session, stored).values(), ignore_index=True)
    commune = {s.id: s.commune_code for s in stored}
    required = set(session.execute(select(Criterion.code).where(Criterion.evidence_required)).scalars())
    with_files = set(
        session.execute(
            select(EvidenceFile.commune_code, EvidenceFile.criterion_code)
            .where(EvidenceFile.commune_code.in_(set(commune.values())))
            .distinct()
        ).all()
    )
    found: list[dict] = []

    def raise_flag(submission_id: int, code: str, text_vi: str, text_en: str) -> None:
        found.append({"submission_id": submission_id, "code": code, "text_vi": text_vi, "text_en": text_en})

    unproven = [
        code in required and (commune[int(i)], code) not in with_files
        for i, code in zip(frame["submission_id"], frame["criterion_code"], strict=True)
    ]
    for submission_id, rows in frame[
        (frame["status_before"] == Status.GREEN) & (frame["status"] == Status.RED)
    ].groupby("submission_id"):
        codes, previous = ", ".join(rows["criterion_code"]), int(rows["previous_submission_id"].iloc[0])
        raise_flag(
            int(submission_id),
            REGRESSION,
            f"{codes} đạt ở báo cáo trước (số {previous}), nay không đạt.",
            f"{codes} met in the previous report ({previous}), not met now.",
        )
    for submission_id, rows in frame[_jumps(frame)].groupby("submission_id"):
        raise_flag(int(submission_id), JUMP, *_moves(rows))
    for submission_id, rows in frame[
        pd.Series(unproven, index=frame.index) & (frame["change"] == compared.NEWLY_GREEN)
    ].groupby("submission_id"):
        codes = ", ".join(rows["criterion_code"])
        raise_flag(
            int(submission_id),
            NO_EVIDENCE,
            f"{codes} chuyển sang đạt mà chưa có tệp minh chứng.",
            f"{codes} turned green without an evidence file.",
        )
    zone, most = ZoneInfo(get_settings().timezone), get_settings().backdate_days
    for submission in stored:
        late = (submission.received_at.astimezone(zone).date() - submission.reporting_date).days
        if late > most:
            day = submission.reporting_date
            raise_flag(
                submission.id,
                BACKDATED,
                f"Ngày báo cáo {format_date(day, 'vi')} sớm hơn ngày gửi {late} ngày (quá {most} ngày).",
                f"Reporting date {format_date(day, 'en')} is {late} days before it was sent (more than {most}).",
            )
    # The own flags were all deleted above: one insert for the batch.
    if found:
        session.execute(insert(SubmissionFlag), found)


def _measure(value: pd.Series, out_of: pd.Series, ratio: pd.Series) -> pd.Series:
    """What a target is compared with: the value, or for a ratio its share (scoring.share, the one rule)."""
    value, out_of = pd.to_numeric(value, errors="coerce"), pd.to_numeric(out_of, errors="coerce")
    return pd.Series(share(value, out_of), index=value.index).where(ratio, value)


def _jumps(frame: pd.DataFrame) -> pd.Series:
    kind = frame["kind"].astype(str)
    numeric, ratio = kind.isin([str(k) for k in _NUMERIC]), kind == CriterionKind.RATIO
    now = _measure(frame["value"], frame["out_of"], ratio)
    before = _measure(frame["value_before"], frame["out_of_before"], ratio)
    moved = (now - before).abs() > get_settings().jump_share * frame["target"].astype(float)
    out_of = pd.to_numeric(frame["out_of"], errors="coerce")
    out_of_before = pd.to_numeric(frame["out_of_before"], errors="coerce")
    resized = (out_of - out_of_before).abs() > 0.5 * out_of_before
    return numeric & (moved.fillna(False) | (ratio & resized.fillna(False)))


def _moves(jumped: pd.DataFrame) -> tuple[str, str]:
    def said(lang: str) -> str:
        parts = []
        for row in jumped.itertuples():
            unit = getattr(row, f"unit_{lang}")
            before = format_value(row.kind, row.value_before, row.out_of_before, unit, lang)
            parts.append(
                f"{row.criterion_code}: {before} → {format_value(row.kind, row.value, row.out_of, unit, lang)}"
            )
        return "; ".join(parts)

    share = f"{get_settings().jump_share:.0%}"
    return (
        f"{said('vi')} (đổi quá {share} chỉ tiêu, hoặc tổng số đổi quá một nửa, trong một báo cáo).",
        f"{said('en')} (moved by more than {share} of the target, or the total by more than half, in one report).",
    )


def _same_values(session: Session, arrived: list[Submission]) -> None:
    """Flag each arrived submission whose numeric values all equal another commune's submission of the same
    reporting week in the province (and that one too, when pending). One read per province and week."""
    communes = {
        row.code: row
        for row in session.execute(
            select(Commune.code, Commune.name, Commune.province_code).where(
                Commune.code.in_({s.commune_code for s in arrived})
            )
        )
    }
    weeks: dict[tuple[str, date], list[Submission]] = {}
    for submission in arrived:
        monday = submission.reporting_date - timedelta(days=submission.reporting_date.weekday())
        weeks.setdefault((communes[submission.commune_code].province_code, monday), []).append(submission)
    for (province, monday), group in weeks.items():
        others = session.execute(
            counting(
                select(Submission.id, Submission.commune_code, Commune.name, Submission.review_status)
                .join(Commune)
                .where(
                    Commune.province_code == province,
                    Submission.reporting_date.between(monday, monday + timedelta(days=6)),
                ),
                approved_only=False,
            )
        ).all()
        values = _numeric_values(session, [row.id for row in others])
        for submission in group:
            mine = values.get(submission.id, {})
            if len(mine) < MIN_SAME_VALUES:
                continue
            here = f"{communes[submission.commune_code].name} ({submission.commune_code})"
            twin = next(
                (o for o in others if o.commune_code != submission.commune_code and values.get(o.id) == mine), None
            )
            if twin is None:
                continue
            count, there = len(mine), f"{twin.name} ({twin.commune_code})"
            _store(
                session,
                submission.id,
                SAME_VALUES,
                f"Cả {count} giá trị số trùng với báo cáo số {twin.id} của {there} cùng tuần.",
                f"All {count} numeric values equal submission {twin.id} of {there}, the same week.",
            )
            if twin.review_status == ReviewStatus.PENDING:
                _store(
                    session,
                    twin.id,
                    SAME_VALUES,
                    f"Cả {count} giá trị số trùng với báo cáo số {submission.id} của {here} cùng tuần.",
                    f"All {count} numeric values equal submission {submission.id} of {here}, the same week.",
                )


def _numeric_values(session: Session, ids: list[int]) -> dict:
    """Per submission id, {criterion: (value, out_of)} of its numeric criteria."""
    rows = session.execute(
        select(Result.submission_id, Result.criterion_code, Result.value, Result.out_of)
        .join(Criterion)
        .where(Result.submission_id.in_(ids), Criterion.kind.in_(_NUMERIC), Result.value.is_not(None))
    ).all()
    found: dict[int, dict] = {}
    for submission_id, code, value, out_of in rows:
        found.setdefault(submission_id, {})[code] = (
            float(value),
            None if out_of is None or np.isnan(out_of) else float(out_of),
        )
    return found


def _store(session: Session, submission_id: int, code: str, text_vi: str, text_en: str) -> None:
    session.execute(
        delete(SubmissionFlag).where(SubmissionFlag.submission_id == submission_id, SubmissionFlag.code == code)
    )
    session.execute(
        insert(SubmissionFlag).values(submission_id=submission_id, code=code, text_vi=text_vi, text_en=text_en)
    )


def evidence_added(session: Session, commune_code: str) -> None:
    """Look again at the commune's pending submissions once it attached an evidence file (no_evidence may go)."""
    pending = session.execute(
        select(Submission).where(
            Submission.commune_code == commune_code, Submission.review_status == ReviewStatus.PENDING
        )
    ).scalars()
    refresh(session, list(pending))


def of(session: Session, ids: list[int]) -> pd.DataFrame:
    """The flags of these submissions: submission_id, code, text_vi, text_en, in LABELS order."""
    columns = (SubmissionFlag.submission_id, SubmissionFlag.code, SubmissionFlag.text_vi, SubmissionFlag.text_en)
    # In batches: a national list of submissions holds more ids than a statement takes parameters.
    rows = [
        row
        for start in range(0, len(ids), 5000)
        for row in session.execute(select(*columns).where(SubmissionFlag.submission_id.in_(ids[start : start + 5000])))
    ]
    frame = pd.DataFrame(rows, columns=["submission_id", "code", "text_vi", "text_en"])
    order = {code: i for i, code in enumerate(LABELS)}
    return frame.sort_values(["submission_id", "code"], key=lambda c: c.map(order) if c.name == "code" else c)


def codes_by_submission(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Each submission's flag codes, in LABELS order (an empty list for one without flags)."""
    found: dict[int, list[str]] = {int(i): [] for i in ids}
    for row in of(session, ids).itertuples():
        found[int(row.submission_id)].append(row.code)
    return found
