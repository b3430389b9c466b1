"""`readiness init`: bring any database to the latest schema, seed the registry, sync the catalog."""

from typing import NamedTuple

from readiness import criteria, db, registry, submissions
from readiness.settings import get_settings


class InitReport(NamedTuple):
    communes_added: int
    catalog_changed: bool


def init() -> InitReport:
    """Idempotent: a second run changes nothing."""
    settings = get_settings()
    entries = criteria.load_catalog(settings.catalog_path)
    db.upgrade()
    with db.write_session() as session:
        added = registry.seed(session, settings.province)
        changed = criteria.sync_catalog(session, entries)
        if changed:
            submissions.recount(session)
    return InitReport(added, changed)
