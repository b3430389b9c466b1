"""Importing received workbooks. Each file is accepted whole or rejected whole in one transaction, and its bytes
are archived whatever the outcome; an identical file already imported is a duplicate and is not counted twice.

A dry run reads and checks exactly as an import does and writes nothing, not even the archive. The upload page
works in two steps instead: `check_files` archives and audits every file on receipt (a file without problems as
"checked", stored figures unchanged) and `confirm` turns a checked file into an accepted import. A checked file
never confirmed stays "checked" in the archive: the person abandoned it at the preview.
"""

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, PermissionDenied, allowed, require
from readiness.core import db, registry
from readiness.core.criteria import criteria
from readiness.core.i18n import format_target, format_value, today, tr
from readiness.core.models import ImportFile, Origin, Submission, SubmissionCreate
from readiness.core.progress import Progress, tell
from readiness.core.scoring import Status
from readiness.core.settings import get_settings
from readiness.core.text import nfc, printable
from readiness.intake import flags, submissions
from readiness.intake.excel.layout import Kind
from readiness.intake.excel.problem import MAX_PROBLEMS, Problem, file_problem
from readiness.intake.excel.table import Context, Reading, read
from readiness.intake.excel.webform import WEB_FORM, WebForm, read_form
from readiness.reading import changes as compared
from readiness.reading import status as readers

log = logging.getLogger(__name__)

_CHANGE_COLUMNS = ["commune_code", "criterion_code", "value", "out_of", "status", "previous_status"]
_NO_CHANGES = pd.DataFrame(columns=_CHANGE_COLUMNS)
T = TypeVar("T")


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    CHECKED = "checked"  # archived at the preview, figures not stored (yet)


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
    archive_id: int | None = None
    problem_count: int = 0  # all problems found; `problems` lists the first MAX_PROBLEMS

    def __post_init__(self) -> None:
        self.problem_count = max(self.problem_count, len(self.problems))

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
            "problem_count": self.problem_count,
            "submission_ids": self.submission_ids,
        }


def load_context(session: Session) -> Context:
    settings = get_settings()
    return Context(
        criteria={c.code: c for c in criteria(session)},
        communes={row.code: row.name for row in readers.communes(session, settings.province).itertuples()},
        province_name=registry.province_name(settings.province),
        today=today(),
        start_date=settings.start_date,
        limit_mb=settings.upload_limit_mb,
    )


# Files read and compared together: one chunk's readings at most are held at once (memory stays bounded however
# many files come), while the comparison with stored figures is still made for many files at a time (it costs
# about the same for 16 rows as for 2,000).
CHUNK = 32


def import_files(
    files: Sequence[tuple[str, bytes]], actor: Actor, dry_run: bool = False, progress: Progress | None = None
) -> list[ImportOutcome]:
    """Read, check and (unless `dry_run`) store each (filename, bytes), one transaction per file.

    "What changed" compares each file with the commune's latest submission stored before its chunk is read."""
    outcomes: list[ImportOutcome] = []
    with db.session() as session:
        context = load_context(session)
    for chunk in _chunks(files):
        with db.session() as session:
            received = [_receive(nfc(printable(filename)), data, actor, context) for filename, data in chunk]
            pairs = list(zip(received, _changes(session, received), strict=True))
            if dry_run:
                for item, changes in pairs:
                    outcomes.append(_decide(session, item, changes, actor, write=False))
                    tell(progress, len(outcomes), len(files), item.name)
                continue
        for item, changes in pairs:
            outcomes.append(_store(item, changes, actor))
            tell(progress, len(outcomes), len(files), item.name)
        _flag(outcomes[-len(pairs) :])
    return outcomes


def _flag(stored: list[ImportOutcome]) -> None:
    """The review flags of a chunk's stored submissions, in one pass (readiness.intake.flags): computed per file
    they cost more than the import itself."""
    ids = [i for outcome in stored for i in outcome.submission_ids]
    if ids:
        with db.write_session() as session:
            flags.flag_new(session, ids)


def check_files(
    files: Sequence[tuple[str, bytes]], actor: Actor, progress: Progress | None = None
) -> list[ImportOutcome]:
    """Read and check each (filename, bytes) as an import does, and archive and audit it whatever it holds, but
    store no figures: a file that could be imported comes back CHECKED, with its `archive_id` for `confirm`."""
    _require_importer(actor)
    outcomes: list[ImportOutcome] = []
    with db.session() as session:
        context = load_context(session)
    for chunk in _chunks(files):
        with db.session() as session:
            received = [_receive(nfc(printable(name)), data, actor, context) for name, data in chunk]
            pairs = list(zip(received, _changes(session, received), strict=True))
        for item, changes in pairs:
            outcomes.append(_store(item, changes, actor, store=False))
            tell(progress, len(outcomes), len(files), item.name)
    return outcomes


def confirm(archive_id: int, actor: Actor) -> ImportOutcome:
    """Import a file archived as CHECKED by `check_files` for the same account: it is read and checked again
    (figures, rights or the catalog may have changed since the preview) and its archive entry becomes accepted,
    rejected or duplicate. A file confirmed already, or by someone else, is refused."""
    (outcome,) = confirm_files([archive_id], actor)
    return outcome


def confirm_files(archive_ids: Sequence[int], actor: Actor, progress: Progress | None = None) -> list[ImportOutcome]:
    """`confirm` for many checked files, each still accepted or rejected whole in its own transaction. Refused
    before anything is stored when any of them is not a checked file of this account."""
    _require_importer(actor)
    with db.session() as session:
        states = dict(
            session.execute(
                select(ImportFile.id, ImportFile.outcome).where(
                    ImportFile.id.in_(archive_ids), ImportFile.received_from == actor.name
                )
            ).all()
        )
        context = load_context(session)
    if any(states.get(archive_id) != Outcome.CHECKED for archive_id in archive_ids):
        raise PermissionDenied(
            "Tệp này đã được nhập hoặc không phải do tài khoản của bạn gửi. Tải tệp lên lại.",
            "This file has been imported already or was not sent by your account. Upload it again.",
        )
    outcomes: list[ImportOutcome] = []
    for chunk in _chunks(archive_ids):
        with db.session() as session:
            # One archived file's bytes at a time are turned into a reading; the bytes are let go at once.
            received = [_received_again(session.get(ImportFile, archive_id), actor, context) for archive_id in chunk]
            pairs = list(zip(chunk, received, _changes(session, received), strict=True))
            session.expunge_all()
        for archive_id, item, changes in pairs:
            outcomes.append(_store(item, changes, actor, archive_id=archive_id))
            tell(progress, len(outcomes), len(archive_ids), item.name)
        _flag(outcomes[-len(pairs) :])
    return outcomes


def _received_again(archive: ImportFile, actor: Actor, context: Context) -> "_Received":
    if archive.kind == WEB_FORM:
        return _receive_form(WebForm.from_json(archive.content), actor, context)
    return _receive(archive.filename, archive.content, actor, context)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def check_form(form: WebForm, actor: Actor) -> ImportOutcome:
    """`check_files` for a web form: read with the checklist's rules, archived (as its JSON) and audited; CHECKED
    when it could be stored, then `confirm` stores it with origin `web`."""
    _require_importer(actor)
    with db.session() as session:
        context = load_context(session)
        received = _receive_form(form, actor, context)
        (changes,) = _changes(session, [received])
    return _store(received, changes, actor, store=False)


def _require_importer(actor: Actor) -> None:
    if not allowed(actor, Permission.IMPORT_PROVINCE_WORKBOOK):
        require(actor, Permission.IMPORT_CHECKLIST, actor.commune_code)


@dataclass(frozen=True)
class _Received:
    name: str
    data: bytes
    sha256: str
    reading: Reading
    problems: list[Problem]
    problem_count: int
    origin: Origin

    @property
    def archive_kind(self) -> str:
        return WEB_FORM if self.origin == Origin.WEB else str(self.reading.kind or "")

    @property
    def action(self) -> str:
        return "webform" if self.origin == Origin.WEB else "import"


_READ_FAILED = (
    "Hệ thống không đọc được tệp '{name}' (mã tham chiếu {reference}). Tệp đã được lưu lại. Mở tệp trong Excel, "
    "lưu lại dạng .xlsx từ phiếu mẫu rồi tải lên lần nữa; nếu vẫn lỗi, báo quản trị viên kèm mã tham chiếu.",
    "Could not read '{name}' (reference {reference}). The file has been kept. Open it in Excel, save it as .xlsx "
    "from the template and upload it again; if it fails again, tell the administrator the reference.",
)


def _read_guarded(name: str, reader: Callable[[], Reading]) -> Reading:
    """Whatever goes wrong while reading one file (a parser's error, a bug the file uncovers) becomes that file's
    problem, so that it is archived as rejected and audited and the other files of the batch are still read; the
    traceback goes to the log under the reference the message gives."""
    try:
        return reader()
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("could not read %s, reference %s", name, reference)
        return Reading(problems=[file_problem(*_READ_FAILED, name=name, reference=reference)])


def _receive(filename: str, data: bytes, actor: Actor, context: Context) -> _Received:
    reading = _read_guarded(filename, lambda: read(filename, data, context))
    origin = Origin.UPLOAD if reading.kind == Kind.CHECKLIST else Origin.PROVINCE_WORKBOOK
    return _Received(filename, data, hashlib.sha256(data).hexdigest(), reading, *_problems(reading, actor), origin)


def _receive_form(form: WebForm, actor: Actor, context: Context) -> _Received:
    reading = _read_guarded(FORM_NAME, lambda: read_form(form, context))
    data = form.to_json()
    return _Received(FORM_NAME, data, hashlib.sha256(data).hexdigest(), reading, *_problems(reading, actor), Origin.WEB)


def _problems(reading: Reading, actor: Actor) -> tuple[list[Problem], int]:
    """The first MAX_PROBLEMS problems of a file (what it holds, then the actor's rights), and their count."""
    refused = _permission_problems(reading, actor)
    return (reading.problems + refused)[:MAX_PROBLEMS], reading.problem_count + len(refused)


FORM_NAME = "web-form.json"  # the archive's file name of a form


def _store(
    item: _Received, changes: pd.DataFrame, actor: Actor, store: bool = True, archive_id: int | None = None
) -> ImportOutcome:
    try:
        with db.write_session() as session:
            return _decide(session, item, changes, actor, write=True, store=store, archive_id=archive_id)
    except IntegrityError:
        # PostgreSQL: the same file was imported by a concurrent request that committed first (the unique
        # constraint on file and commune caught it). Decided again, it is now a duplicate.
        with db.write_session() as session:
            return _decide(session, item, changes, actor, write=True, store=store, archive_id=archive_id)


def _permission_problems(reading: Reading, actor: Actor) -> list[Problem]:
    permission = Permission.IMPORT_CHECKLIST if reading.kind == Kind.CHECKLIST else Permission.IMPORT_PROVINCE_WORKBOOK
    problems: list[Problem] = []
    for report in reading.reports:
        try:
            require(actor, permission, report.commune_code)
        except PermissionDenied as exc:
            # An account without the right at all is told once, not once per commune row.
            if all(p.vi != exc.vi for p in problems):
                problems.append(Problem(reading.sheet, report.cell, exc.vi, exc.en))
    return problems


def _decide(
    session: Session,
    item: _Received,
    changes: pd.DataFrame,
    actor: Actor,
    write: bool,
    store: bool = True,
    archive_id: int | None = None,
) -> ImportOutcome:
    """The outcome of one file; with `write`, archived (a new entry, or the checked entry `archive_id` updated),
    audited, and its figures stored if accepted and `store`."""
    reading, problems = item.reading, item.problems
    archive = None
    if archive_id is not None:
        # Locked, so that of two confirmations at once the second finds the file no longer checked.
        archive = session.scalars(select(ImportFile).where(ImportFile.id == archive_id).with_for_update()).one()
    if problems:
        outcome = Outcome.REJECTED
    elif (archive is not None and archive.outcome != Outcome.CHECKED) or session.execute(
        select(Submission.id).where(Submission.file_sha256 == item.sha256).limit(1)
    ).first():
        outcome = Outcome.DUPLICATE
    else:
        outcome = Outcome.ACCEPTED if store else Outcome.CHECKED
    ids: list[int] = []
    if write:
        received_at = datetime.now(UTC)
        if archive is None:
            archive = ImportFile(
                sha256=item.sha256,
                size=len(item.data),
                filename=item.name,
                content=item.data,
                received_at=received_at,
                received_from=actor.name,
                outcome="",
            )
            session.add(archive)
        elif archive.outcome != Outcome.CHECKED:
            return _outcome(item, Outcome.DUPLICATE, archive.id)  # confirmed meanwhile: leave its entry alone
        archive.kind = item.archive_kind
        archive.outcome = str(outcome)
        archive.problems = json.dumps([p._asdict() for p in problems], ensure_ascii=False) if problems else ""
        session.flush()
        if outcome == Outcome.ACCEPTED:
            # The statuses the preview showed are the ones stored: one scoring for both.
            keys = zip(changes["commune_code"], changes["criterion_code"], changes["status"], strict=True)
            green = {(commune, code): status == Status.GREEN for commune, code, status in keys}
            rows = _submissions(item, archive.id, actor, received_at)
            greens = [[green[row.commune_code, r.criterion_code] for r in row.results] for row in rows]
            # Flagged afterwards for the whole chunk (_flag); superseding happens here, with the file.
            ids = submissions.save(session, rows, greens, review_flags=False)
        audit.record(
            session,
            actor.name,
            f"{item.action}.{outcome}",
            target=_target(reading),
            detail=f"{item.name}; {item.problem_count} problems" if problems else item.name,
            file_sha256=item.sha256,
        )
    return _outcome(item, outcome, archive.id if archive is not None else None, changes, ids)


def _outcome(
    item: _Received,
    outcome: Outcome,
    archive_id: int | None,
    changes: pd.DataFrame = _NO_CHANGES,
    ids: list[int] | None = None,
) -> ImportOutcome:
    return ImportOutcome(
        filename=item.name,
        outcome=outcome,
        sha256=item.sha256,
        size=len(item.data),
        kind=item.reading.kind,
        reporting_date=item.reading.reporting_date,
        communes=[report.commune_code for report in item.reading.reports],
        problems=item.problems,
        problem_count=item.problem_count,
        changes=changes if outcome in (Outcome.ACCEPTED, Outcome.CHECKED) else _NO_CHANGES,
        submission_ids=ids or [],
        archive_id=archive_id,
    )


def _target(reading: Reading) -> str:
    if reading.kind == Kind.PROVINCE:
        return f"{len(reading.reports)} communes"
    return reading.reports[0].commune_code if reading.reports else ""


def _submissions(
    item: _Received, archive_id: int | None, actor: Actor, received_at: datetime
) -> list[SubmissionCreate]:
    reading = item.reading
    return [
        SubmissionCreate(
            commune_code=report.commune_code,
            reporting_date=reading.reporting_date,
            received_at=received_at,
            received_from=actor.name,
            origin=item.origin,
            file_sha256=item.sha256,
            import_file_id=archive_id,
            reporter_name=reading.reporter_name,
            reporter_phone=reading.reporter_phone,
            results=report.results,
        )
        for report in reading.reports
    ]


_RESULT_COLUMNS = ["criterion_code", "value", "out_of"]


def _changes(session: Session, received: list[_Received]) -> list[pd.DataFrame]:
    """For each file without problems: each value read with its status, beside the status in the commune's newest
    stored submission on or before the same reporting date. Scored in one pass for the whole batch (scoring
    costs the same for 16 rows as for 2,000)."""
    new = pd.DataFrame(
        [
            {"item": i, "day": item.reading.reporting_date, "commune_code": report.commune_code, **r.model_dump()}
            for i, item in enumerate(received)
            if not item.problems
            for report in item.reading.reports
            for r in report.results
        ],
        columns=["item", "day", "commune_code", *_RESULT_COLUMNS],
    )
    if new.empty:
        return [_NO_CHANGES] * len(received)
    latest = pd.concat(
        [
            readers.latest_submissions(session, day, get_settings().province).assign(day=day)
            for day in new["day"].unique()
        ]
    )
    # Typed keys: an empty query result has untyped columns, which pandas will not merge with numbers.
    latest = latest[latest["commune_code"].isin(new["commune_code"])].astype({"submission_id": "int64"})
    previous = latest[["day", "commune_code", "submission_id"]].rename(
        columns={"submission_id": "previous_submission_id"}
    )
    now = compared.compare(session, new.merge(previous, on=["day", "commune_code"], how="left"))
    now["previous_status"] = now["status_before"].where(now["reported_before"], "")
    frames = {int(i): frame[_CHANGE_COLUMNS].reset_index(drop=True) for i, frame in now.groupby("item")}
    return [frames.get(i, _NO_CHANGES) for i in range(len(received))]


def describe(outcome: ImportOutcome, context: Context, lang: str) -> pd.DataFrame:
    """The changes of one file as people read them (views.tables.import_preview shows them): criterion,
    target, value typed, status before and now, worded as everywhere else (readiness.core.i18n)."""
    rows = []
    for change in outcome.changes.itertuples():
        criterion = context.criteria[change.criterion_code]
        unit = tr(lang, criterion.unit_vi, criterion.unit_en)
        rows.append(
            {
                "commune_code": change.commune_code,
                "criterion_code": change.criterion_code,
                "criterion": tr(lang, criterion.name_vi, criterion.name_en),
                "target_text": format_target(criterion.kind, criterion.target, unit, lang),
                "value_text": format_value(criterion.kind, change.value, change.out_of, unit, lang),
                "status": change.status,
                "previous_status": change.previous_status,
            }
        )
    return pd.DataFrame(rows)
