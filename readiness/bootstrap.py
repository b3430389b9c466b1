"""`readiness init`: bring any database to the latest schema, seed the registry, sync the catalog."""

import logging
from typing import NamedTuple

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, require
from readiness.core import criteria, db, registry, units
from readiness.core.settings import get_settings
from readiness.intake import submissions

log = logging.getLogger(__name__)


class InitReport(NamedTuple):
    communes_added: int
    # What the catalog file changed in the database (applied), and how it differs from it still (not applied).
    catalog_applied: list[str]
    catalog_pending: list[str]

    @property
    def catalog_changed(self) -> bool:
        return bool(self.catalog_applied)


def init() -> InitReport:
    """What every command and the app do first; idempotent. The catalog file is applied only to a database
    without criteria (the first run): afterwards only `sync_catalog` changes it, so that a command run with
    another READINESS_CATALOG_PATH never rewrites deadlines and targets behind everyone's back. Such a
    difference is returned as `catalog_pending` and logged as a warning."""
    report = _prepare(None)
    if report.catalog_pending:
        path = get_settings().catalog_path
        log.warning(
            "warning: the criteria catalog %s differs from the database's (%s); the database's catalog is used. "
            "Run `readiness catalog sync` to apply the file.",
            path,
            "; ".join(report.catalog_pending),
        )
    return report


def sync_catalog(actor: Actor) -> InitReport:
    """`readiness init` and `readiness catalog sync`: as `init`, then make the criteria equal the catalog file,
    recount every submission's green criteria, and audit what changed."""
    require(actor, Permission.EDIT_CATALOG)
    return _prepare(actor)


def sync_units(actor: Actor) -> list[str]:
    """`readiness units sync`: make the units equal data/units.toml and the communes in scope; audited."""
    require(actor, Permission.EDIT_CATALOG)
    init()
    settings = get_settings()
    departments = units.load_units(settings.units_path)
    with db.write_session() as session:
        changes = units.sync(session, departments, settings.province)
        if changes:
            audit.record(session, actor.name, "units.sync", settings.units_path.name, "; ".join(changes))
    return changes


def _prepare(syncing: Actor | None) -> InitReport:
    settings = get_settings()
    entries = criteria.load_catalog(settings.catalog_path)
    db.upgrade()
    with db.write_session() as session:
        added = registry.seed(session, settings.province)
        # Like the catalog, the units file is applied by itself only to a database without units (set-up);
        # afterwards only `sync_units` changes the departments. Communes seeded later become units at once.
        if not units.units(session):
            units.sync(session, units.load_units(settings.units_path), settings.province)
        elif added:
            units.add_communes(session, settings.province)
        first_run = not criteria.criteria(session)
        if syncing is None and not first_run:
            return InitReport(added, [], criteria.catalog_changes(session, entries))
        changes = criteria.sync_catalog(session, entries)
        # The first run stores the catalog as it seeds the registry: set-up, not a change to audit.
        if changes and not first_run:
            submissions.recount(session)
            audit.record(session, syncing.name, "catalog.sync", settings.catalog_path.name, "; ".join(changes))
    return InitReport(added, changes, [])
