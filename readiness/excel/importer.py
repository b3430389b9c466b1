"""Importing received workbooks. Each file is accepted whole or rejected whole in one transaction, and its bytes
are archived whatever the outcome; an identical file already imported is a duplicate and is not counted twice.

A dry run reads and checks exactly as an import does and writes nothing, not even the archive.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from readiness import audit, db, queries, registry, submissions
from readiness.auth import Actor, Permission, PermissionDenied, require
from readiness.criteria import criteria
from readiness.excel.layout import Kind
from readiness.excel.reader import Context, Problem, Reading, read
from readiness.i18n import format_number, format_percent, today, tr
from readiness.models import CriterionKind, ImportFile, Origin, Result, Submission, SubmissionCreate
from readiness.scoring import Status, score
from readiness.settings import get_settings
from readiness.text import nfc


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


@dataclass
class ImportOutcome:
    """What became of one file. `changes` has one row per commune and criterion read: value, out_of, status and
    the status in the commune's previous latest submission (empty when it had none)."""

    filename: str
    outcome: Outcome
    sha256: str
    size: int
    kind: Kind | None
    reporting_date: date | None
    communes: list[str]
    problems: list[Problem]
    changes: pd.DataFrame
    submission_ids: list[int]

    @property
    def commune_code(self) -> str | None:
        return self.communes[0] if self.kind == Kind.CHECKLIST and self.communes else None

    @property
    def newly_green(self) -> int:
        """Criteria green now that were not green in the previous latest submission."""
        if self.changes.empty:
            return 0
        return int(((self.changes["status"] == Status.GREEN) & (self.changes["previous_status"] != Status.GREEN)).sum())

    @property
    def no_longer_green(self) -> int:
        if self.changes.empty:
            return 0
        return int(((self.changes["status"] != Status.GREEN) & (self.changes["previous_status"] == Status.GREEN)).sum())

    def to_dict(self, lang: str) -> dict:
        """The object `readiness import --json` prints for this file."""
        return {
            "file": self.filename,
            "status": str(self.outcome),
            "kind": str(self.kind) if self.kind else None,
            "sha256": self.sha256,
            "size": self.size,
            "commune_code": self.commune_code,
            "communes": self.communes,
            "reporting_date": self.reporting_date.isoformat() if self.reporting_date else None,
            "newly_green": self.newly_green,
            "no_longer_green": self.no_longer_green,
            "problems": [{"sheet": p.sheet, "cell": p.cell, "message": p.message(lang)} for p in self.problems],
        }


def load_context(session: Session) -> Context:
    settings = get_settings()
    return Context(
        criteria={c.code: c for c in criteria(session)},
        communes={row.code: row.name for row in queries.communes(session, settings.province).itertuples()},
        province_name=registry.province_name(settings.province),
        today=today(),
        start_date=settings.start_date,
        limit_mb=settings.upload_limit_mb,
    )


def import_files(files: list[tuple[str, bytes]], actor: Actor, dry_run: bool = False) -> list[ImportOutcome]:
    """Read, check and (unless `dry_run`) store each (filename, bytes), one transaction per file."""
    with db.session() as session:
        context = load_context(session)
    return [_import(nfc(filename), data, actor, dry_run, context) for filename, data in files]


def _import(filename: str, data: bytes, actor: Actor, dry_run: bool, context: Context) -> ImportOutcome:
    reading = read(filename, data, context)
    problems = reading.problems + _permission_problems(reading, actor)
    file = _File(filename, data, hashlib.sha256(data).hexdigest())
    if dry_run:
        with db.session() as session:
            return _decide(session, file, reading, problems, actor, context, write=False)
    try:
        with db.write_session() as session:
            return _decide(session, file, reading, problems, actor, context, write=True)
    except IntegrityError:
        # PostgreSQL: the same file was imported by a concurrent request that committed first (the unique
        # constraint on file and commune caught it). Decided again, it is now a duplicate.
        with db.write_session() as session:
            return _decide(session, file, reading, problems, actor, context, write=True)


@dataclass(frozen=True)
class _File:
    name: str
    data: bytes
    sha256: str


def _permission_problems(reading: Reading, actor: Actor) -> list[Problem]:
    permission = Permission.IMPORT_CHECKLIST if reading.kind == Kind.CHECKLIST else Permission.IMPORT_PROVINCE_WORKBOOK
    problems = []
    for report in reading.reports:
        try:
            require(actor, permission, report.commune_code)
        except PermissionDenied as exc:
            problems.append(Problem(reading.sheet, report.cell, exc.vi, exc.en))
    return problems


def _decide(
    session: Session,
    file: _File,
    reading: Reading,
    problems: list[Problem],
    actor: Actor,
    context: Context,
    write: bool,
) -> ImportOutcome:
    if problems:
        outcome = Outcome.REJECTED
    elif session.execute(select(Submission.id).where(Submission.file_sha256 == file.sha256).limit(1)).first():
        outcome = Outcome.DUPLICATE
    else:
        outcome = Outcome.ACCEPTED
    changes = _changes(session, reading, context) if outcome == Outcome.ACCEPTED else _NO_CHANGES
    ids: list[int] = []
    if write:
        received_at = datetime.now(UTC)
        archive = ImportFile(
            sha256=file.sha256,
            size=len(file.data),
            filename=file.name,
            content=file.data,
            received_at=received_at,
            received_from=actor.name,
            kind=str(reading.kind or ""),
            outcome=str(outcome),
            problems=json.dumps([p._asdict() for p in problems], ensure_ascii=False) if problems else "",
        )
        session.add(archive)
        session.flush()
        if outcome == Outcome.ACCEPTED:
            ids = submissions.save(session, _submissions(reading, file, archive, actor, received_at))
        audit.record(
            session,
            actor.name,
            f"import.{outcome}",
            target=_target(reading),
            detail=f"{file.name}; {len(problems)} problems" if problems else file.name,
            file_sha256=file.sha256,
        )
    return ImportOutcome(
        filename=file.name,
        outcome=outcome,
        sha256=file.sha256,
        size=len(file.data),
        kind=reading.kind,
        reporting_date=reading.reporting_date,
        communes=[report.commune_code for report in reading.reports],
        problems=problems,
        changes=changes,
        submission_ids=ids,
    )


def _target(reading: Reading) -> str:
    if reading.kind == Kind.PROVINCE:
        return f"{len(reading.reports)} communes"
    return reading.reports[0].commune_code if reading.reports else ""


def _submissions(
    reading: Reading, file: _File, archive: ImportFile, actor: Actor, received_at: datetime
) -> list[SubmissionCreate]:
    origin = Origin.UPLOAD if reading.kind == Kind.CHECKLIST else Origin.PROVINCE_WORKBOOK
    return [
        SubmissionCreate(
            commune_code=report.commune_code,
            reporting_date=reading.reporting_date,
            received_at=received_at,
            received_from=actor.name,
            origin=origin,
            file_sha256=file.sha256,
            import_file_id=archive.id,
            reporter_name=reading.reporter_name,
            reporter_phone=reading.reporter_phone,
            results=report.results,
        )
        for report in reading.reports
    ]


_CHANGE_COLUMNS = ["commune_code", "criterion_code", "value", "out_of", "status", "previous_status"]
_NO_CHANGES = pd.DataFrame(columns=_CHANGE_COLUMNS)


def _changes(session: Session, reading: Reading, context: Context) -> pd.DataFrame:
    """Each value read with its status, beside the status in the commune's newest submission on or before the
    same reporting date (the one this file supersedes or follows)."""
    new = pd.DataFrame(
        [
            {"commune_code": report.commune_code, **result.model_dump(include={"criterion_code", "value", "out_of"})}
            for report in reading.reports
            for result in report.results
        ]
    )
    codes = [report.commune_code for report in reading.reports]
    latest = queries.latest_submissions(session, reading.reporting_date, get_settings().province)
    latest = latest[latest["commune_code"].isin(codes)]
    previous = pd.DataFrame(columns=["submission_id", "criterion_code", "value", "out_of"])
    if not latest.empty:
        ids = latest["submission_id"].astype(int).tolist()
        rows = session.execute(
            select(Result.submission_id, Result.criterion_code, Result.value, Result.out_of).where(
                Result.submission_id.in_(ids)
            )
        ).all()
        previous = pd.DataFrame(rows, columns=["submission_id", "criterion_code", "value", "out_of"])
    previous = previous.merge(latest[["commune_code", "submission_id"]], on="submission_id")
    catalog = pd.DataFrame(
        [{"criterion_code": c.code, "kind": str(c.kind), "target": c.target} for c in context.criteria.values()]
    )
    scored_new = score(new.merge(catalog, on="criterion_code"))
    scored_previous = score(previous.merge(catalog, on="criterion_code")) if not previous.empty else None
    frame = scored_new[["commune_code", "criterion_code", "value", "out_of", "status"]]
    if scored_previous is None:
        return frame.assign(previous_status="")
    before = scored_previous[["commune_code", "criterion_code", "status"]].rename(columns={"status": "previous_status"})
    return frame.merge(before, on=["commune_code", "criterion_code"], how="left").fillna({"previous_status": ""})


def describe(outcome: ImportOutcome, context: Context, lang: str) -> pd.DataFrame:
    """The changes of one file as people read them: criterion, requirement, value typed, status before and now."""
    rows = []
    for change in outcome.changes.itertuples():
        criterion = context.criteria[change.criterion_code]
        unit = tr(lang, criterion.unit_vi, criterion.unit_en)
        rows.append(
            {
                "commune_code": change.commune_code,
                "criterion_code": change.criterion_code,
                "criterion": tr(lang, criterion.name_vi, criterion.name_en),
                "target": _target_text(criterion.kind, criterion.target, unit, lang),
                "value": value_text(criterion.kind, change.value, change.out_of, lang),
                "status": change.status,
                "previous_status": change.previous_status,
            }
        )
    return pd.DataFrame(rows)


def _target_text(kind: str, target: float, unit: str, lang: str) -> str:
    if kind == CriterionKind.YES_NO:
        return tr(lang, "Có", "Yes")
    if kind == CriterionKind.NUMBER:
        return f"≥ {format_number(target, lang)} {unit}"
    return f"≥ {format_percent(target, lang)}"


def value_text(kind: str, value: float | None, out_of: float | None, lang: str) -> str:
    """A stored value as people read it: "Có", "120", "38/40 (95%)", "95%"; "–" when not reported."""
    if value is None or pd.isna(value):
        return "–"
    if kind == CriterionKind.YES_NO:
        return tr(lang, "Có", "Yes") if value >= 1 else tr(lang, "Không", "No")
    if kind == CriterionKind.NUMBER:
        return format_number(value, lang, 0 if float(value).is_integer() else 1)
    if out_of is None or pd.isna(out_of):
        return format_percent(value, lang)
    count = format_number(value, lang, 0 if float(value).is_integer() else 1)
    return f"{count}/{format_number(out_of, lang)} ({format_percent(value / out_of, lang)})"
