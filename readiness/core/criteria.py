"""The criteria catalog: a reviewed TOML file, validated on load and synced into the database."""

from pathlib import Path

from sqlmodel import Session, select

from readiness.core import toml_catalog
from readiness.core.models import Criterion, CriterionBase, CriterionKind, Result
from readiness.core.text import nfc


class CatalogError(ValueError):
    """The catalog file is wrong; the message names each bad row and field."""


def load_catalog(path: Path) -> list[CriterionBase]:
    return toml_catalog.load(
        path,
        "criterion",
        "criteria catalog",
        CatalogError,
        _entry,
        fields=set(CriterionBase.model_fields) - {"position"},
        rules=_rule_problems,
        unique={"code": lambda entry: entry.code},
    )


def _entry(number: int, row: dict) -> CriterionBase:
    """A row of the catalog in NFC, at its place in the file."""
    texts = {key: nfc(value) if isinstance(value, str) else value for key, value in row.items()}
    return CriterionBase.model_validate({**texts, "position": number})


def _rule_problems(entry: CriterionBase) -> list[tuple[str, str]]:
    problems = []
    if not entry.code.isalnum():
        problems.append(("code", "must be letters and digits only, such as TC01"))
    for field in ("group_vi", "group_en", "name_vi", "name_en"):
        if not getattr(entry, field):
            problems.append((field, "must not be empty"))
    if entry.kind == CriterionKind.YES_NO and entry.target != 1:
        problems.append(("target", "must be 1 for a yes_no criterion"))
    if entry.kind == CriterionKind.RATIO and not 0 < entry.target <= 1:
        problems.append(("target", "must be a share above 0 and at most 1 for a ratio criterion (0.8 = 80%)"))
    if entry.kind == CriterionKind.NUMBER and entry.target <= 0:
        problems.append(("target", "must be above 0 for a number criterion"))
    if entry.kind != CriterionKind.YES_NO and not entry.unit_vi:
        problems.append(("unit_vi", "is needed for number and ratio criteria (gaps are said in it)"))
    return problems


def catalog_changes(session: Session, entries: list[CriterionBase]) -> list[str]:
    """What syncing `entries` would change in the criterion table, one line per change ("TC03 deadline:
    2025-12-31 → 2026-03-31", "TC17 added", "TC18 removed"); empty when the database equals the catalog."""
    existing = {row.code: row for row in session.exec(select(Criterion))}
    changes = []
    for entry in entries:
        row = existing.pop(entry.code, None)
        if row is None:
            changes.append(f"{entry.code} added")
            continue
        changes += [
            f"{entry.code} {field}: {getattr(row, field)} → {value}"
            for field, value in entry.model_dump().items()
            if getattr(row, field) != value
        ]
    return changes + [f"{code} removed" for code in existing]


def sync_catalog(session: Session, entries: list[CriterionBase]) -> list[str]:
    """Make the criterion table equal the catalog. Returns what changed (`catalog_changes`; the caller recounts
    and audits when it is not empty)."""
    changes = catalog_changes(session, entries)
    existing = {row.code: row for row in session.exec(select(Criterion))}
    for entry in entries:
        row = existing.pop(entry.code, None)
        if row is None:
            session.add(Criterion.model_validate(entry))
            continue
        for field, value in entry.model_dump().items():
            setattr(row, field, value)
    for code, row in existing.items():
        if session.exec(select(Result).where(Result.criterion_code == code).limit(1)).first():
            raise CatalogError(f"criterion {code} has reported results and cannot be removed from the catalog")
        session.delete(row)
    session.flush()
    return changes


def criteria(session: Session) -> list[Criterion]:
    return list(session.exec(select(Criterion).order_by(Criterion.position)))
