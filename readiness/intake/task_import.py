"""Imports plan and progress workbooks: each file accepted whole or refused whole, with every problem at its sheet
and cell; its bytes are archived (ImportFile) and the outcome audited whatever it is, as for checklists. A dry run
reads and checks and writes nothing. The CLI (readiness tasks import) and the web upload both call `import_files`.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor
from readiness.core import db
from readiness.core.models import ImportFile
from readiness.core.task_models import Task
from readiness.core.text import nfc, printable
from readiness.intake import tasks
from readiness.intake.excel.importer import Outcome
from readiness.intake.excel.problem import Problem
from readiness.intake.task_reader import Reading, load_context, read
from readiness.intake.task_workbook import PLAN, PROGRESS


@dataclass
class TaskImportOutcome:
    filename: str
    outcome: Outcome
    kind: str | None
    sha256: str
    size: int
    problems: list[Problem]
    created: int = 0
    updated: int = 0
    progress: int = 0
    completions: int = 0
    evidence: int = 0
    archive_id: int | None = None
    # The evidence files its rows name and that were found (whether or not they are stored).
    named: list[str] = field(default_factory=list)

    def to_dict(self, lang: str) -> dict:
        """The object `readiness tasks import --json` prints for this file."""
        return {
            "file": self.filename,
            "status": str(self.outcome),
            "kind": self.kind,
            "sha256": self.sha256,
            "size": self.size,
            "created": self.created,
            "updated": self.updated,
            "progress": self.progress,
            "completions": self.completions,
            "evidence": self.evidence,
            "problems": [{"sheet": p.sheet, "cell": p.cell, "message": p.message(lang)} for p in self.problems],
        }


EvidenceFiles = Callable[[str], bytes | None]


def _key(name: str) -> str:
    return nfc(name).casefold()


def sent_with(files: Mapping[str, bytes]) -> EvidenceFiles:
    """Evidence looked up among the files uploaded with the workbooks, by name in any case or Unicode form."""
    by_name = {_key(name): data for name, data in files.items()}
    return lambda name: by_name.get(_key(name))


def unnamed(sent: list[str], outcomes: list["TaskImportOutcome"]) -> list[str]:
    """The evidence files sent that no workbook names: they would not be stored."""
    named = {_key(name) for outcome in outcomes for name in outcome.named}
    return [name for name in sent if _key(name) not in named]


def in_directories(directories: list[Path]) -> EvidenceFiles:
    """Evidence looked up in directories (the workbooks' own, or --evidence-dir), in order, by name in any case."""

    def find(name: str) -> bytes | None:
        if Path(name).name != name:  # the reader refuses paths; never look outside the directories anyway
            return None
        wanted = nfc(name).casefold()
        for directory in directories:
            if (directory / name).is_file():
                return (directory / name).read_bytes()
            for entry in directory.iterdir() if directory.is_dir() else []:
                if entry.is_file() and nfc(entry.name).casefold() == wanted:
                    return entry.read_bytes()
        return None

    return find


def import_files(
    files: list[tuple[str, bytes]],
    actor: Actor,
    dry_run: bool = False,
    evidence_files: EvidenceFiles | None = None,
) -> list[TaskImportOutcome]:
    """Read, check and (unless `dry_run`) store each (filename, bytes), one transaction per file, in order (a
    plan before the progress workbooks that report on it). `evidence_files` finds the evidence files that progress
    workbooks name (`sent_with`, `in_directory`); a dry run is the preview the upload page shows before its
    confirmation, which then imports the same files as the account logged in at that moment."""
    outcomes = []
    for filename, data in files:
        name = nfc(printable(filename))
        with db.session() as session:
            reading = read(name, data, load_context(session, evidence_files, actor.province), actor)
        sha256 = hashlib.sha256(data).hexdigest()
        outcome = TaskImportOutcome(name, Outcome.REJECTED, reading.kind, sha256, len(data), reading.problems)
        outcome.named = [filename for row in reading.progress for filename, _ in row.evidence]
        if not reading.problems:
            outcome.outcome = Outcome.ACCEPTED
        if dry_run:
            outcomes.append(_counted(outcome, reading))
            continue
        with db.write_session() as session:
            outcomes.append(_store(session, outcome, reading, name, data, actor))
    return outcomes


def _imported_before(session: Session, sha256: str) -> bool:
    accepted = select(ImportFile.id).where(
        ImportFile.sha256 == sha256, ImportFile.kind.in_([PLAN, PROGRESS]), ImportFile.outcome == Outcome.ACCEPTED
    )
    return session.execute(accepted.limit(1)).first() is not None


def _known_codes(reading: Reading) -> set[str]:
    with db.session() as session:
        return set(session.execute(select(Task.code).where(Task.code.in_([r.code for r in reading.plan]))).scalars())


def _counted(outcome: TaskImportOutcome, reading: Reading) -> TaskImportOutcome:
    with db.session() as session:
        if outcome.outcome == Outcome.ACCEPTED and _imported_before(session, outcome.sha256):
            outcome.outcome = Outcome.DUPLICATE
    if outcome.outcome == Outcome.ACCEPTED:
        outcome.progress = sum(row.report_progress for row in reading.progress)
        outcome.completions = sum(row.report_done for row in reading.progress)
        outcome.evidence = sum(len(row.evidence) for row in reading.progress)
        known = _known_codes(reading)
        outcome.created = sum(1 for row in reading.plan if row.code not in known)
        outcome.updated = len(reading.plan) - outcome.created
    return outcome


def _store(
    session: Session, outcome: TaskImportOutcome, reading: Reading, name: str, data: bytes, actor: Actor
) -> TaskImportOutcome:
    if outcome.outcome == Outcome.ACCEPTED and _imported_before(session, outcome.sha256):
        outcome.outcome = Outcome.DUPLICATE
    archive = ImportFile(
        sha256=outcome.sha256,
        size=len(data),
        filename=name,
        content=data,
        received_at=datetime.now(UTC),
        received_from=actor.name,
        kind=reading.kind or "",
        outcome=str(outcome.outcome),
        problems=json.dumps([p._asdict() for p in outcome.problems], ensure_ascii=False) if outcome.problems else "",
    )
    session.add(archive)
    session.flush()
    outcome.archive_id = archive.id
    if outcome.outcome == Outcome.ACCEPTED:
        if reading.kind == PLAN:
            outcome.created, outcome.updated = tasks.save_plan(session, actor, reading.plan, archive.id)
        for row in reading.progress:
            if row.report_progress:
                tasks.report_progress(
                    session, actor, row.code, row.percent, row.result, row.difficulties, row.kpi_value, archive.id
                )
                outcome.progress += 1
            completion = None
            if row.report_done:
                completion = tasks.complete(session, actor, row.code, row.done_on, row.result, archive.id)
                outcome.completions += 1
            for filename, content in row.evidence:
                tasks.add_evidence(session, actor, row.code, filename, content, completion)
                outcome.evidence += 1
    detail = f"{name}; {len(outcome.problems)} problems" if outcome.problems else name
    audit.record(session, actor.name, f"tasks.import.{outcome.outcome}", reading.kind or "", detail, outcome.sha256)
    return outcome
