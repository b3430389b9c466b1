"""Units that lead or coordinate tasks: the departments of a reviewed TOML file (validated on load, synced by
`readiness units sync`) and every commune of the registry in scope, under its own code.

Every unit belongs to a province, and a task to its lead unit's: a commune to its own, a department to the province
the file names (its top-level `province`, or a unit's own `province`) in national mode, and to the installation's
province otherwise (there the installation is the only province)."""

import re
from pathlib import Path

from pydantic import BaseModel, field_validator
from sqlmodel import Session, select

from readiness.core import toml_catalog
from readiness.core.models import Commune, Unit, UnitKind
from readiness.core.settings import NATIONAL
from readiness.core.task_models import Task
from readiness.core.text import fold, nfc

_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,15}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class UnitsError(ValueError):
    """The units file is wrong; the message names each bad entry and field."""


class Department(BaseModel, extra="forbid"):
    code: str
    name: str
    emails: list[str] = []
    # Two digits (e.g. "01", Hà Nội); the file's top-level `province` when not given here.
    province: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = nfc(value)
        if not _CODE.fullmatch(value) or value.isdigit():
            raise ValueError("must be 1–16 capital letters, digits or '-', not only digits (those are communes)")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not nfc(value):
            raise ValueError("must not be empty")
        return nfc(value)

    @field_validator("province")
    @classmethod
    def _province(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{2}", value):
            raise ValueError('must be a province\'s two-digit code, e.g. "01"')
        return value

    @field_validator("emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        bad = [address for address in value if not _EMAIL.fullmatch(address.strip())]
        if bad:
            raise ValueError(f"not e-mail addresses: {', '.join(bad)}")
        return [address.strip().lower() for address in value]


def _name_in_province(entry: Department) -> str:
    return f"{fold(entry.name)} ({entry.province})" if entry.province else fold(entry.name)


def load_units(path: Path) -> list[Department]:
    return toml_catalog.load(
        path,
        "unit",
        "units file",
        UnitsError,
        lambda _, row: Department.model_validate(row),
        # A name is unique within its province: every province has its own "Sở Y tế".
        unique={"code": lambda entry: entry.code, "name": _name_in_province},
        shown=repr,
        inherited=("province",),
    )


def sync(session: Session, departments: list[Department], province: str) -> list[str]:
    """Make the unit table hold these departments and the communes in scope. Returns what changed, one line each
    ("SKHCN added", "SYT name: … → …", "STTTT removed"); a unit that leads a task is never removed."""
    if province == NATIONAL and (unplaced := [d.code for d in departments if d.province is None]):
        raise UnitsError(f"national mode: no province for units {', '.join(unplaced)} (set `province` in the file)")
    wanted = [
        Unit(
            code=d.code,
            name=d.name,
            kind=UnitKind.DEPARTMENT,
            emails=",".join(d.emails),
            position=i,
            province_code=d.province if province == NATIONAL else province,
        )
        for i, d in enumerate(departments)
    ] + _commune_units(session, province)
    existing = {row.code: row for row in session.exec(select(Unit))}
    changes: list[str] = []
    for unit in wanted:
        row = existing.pop(unit.code, None)
        if row is None:
            session.add(unit)
            if unit.kind == UnitKind.DEPARTMENT:
                changes.append(f"{unit.code} added")
            continue
        for field in ("name", "kind", "emails", "position", "province_code"):
            if getattr(row, field) != getattr(unit, field):
                if field != "position":
                    changes.append(f"{unit.code} {field}: {getattr(row, field)} → {getattr(unit, field)}")
                setattr(row, field, getattr(unit, field))
    for code, row in existing.items():
        if session.exec(select(Task.id).where(Task.lead_unit_code == code).limit(1)).first() is not None:
            raise UnitsError(f"unit {code} leads tasks and cannot be removed from the units file")
        session.delete(row)
        changes.append(f"{code} removed")
    session.flush()
    return changes


def add_communes(session: Session, province: str) -> int:
    """The communes in scope that are not units yet (seeded after the units were), added. Returns how many."""
    known = set(session.exec(select(Unit.code)))
    missing = [unit for unit in _commune_units(session, province) if unit.code not in known]
    session.add_all(missing)
    session.flush()
    return len(missing)


def _commune_units(session: Session, province: str) -> list[Unit]:
    statement = select(Commune).order_by(Commune.code)
    if province != NATIONAL:
        statement = statement.where(Commune.province_code == province)
    return [
        Unit(code=c.code, name=c.name, kind=UnitKind.COMMUNE, position=10_000 + i, province_code=c.province_code)
        for i, c in enumerate(session.exec(statement))
    ]


def units(session: Session, kind: UnitKind | None = None) -> list[Unit]:
    """Departments in file order, then communes by code."""
    statement = select(Unit).order_by(Unit.position, Unit.code)
    if kind is not None:
        statement = statement.where(Unit.kind == kind)
    return list(session.exec(statement))
