"""Demo data: weekly submissions from every commune, from July to November 2025, until all are 16/16.

Deterministic for a given seed. Each commune has its own staff size and pace; some criteria are harder
(digital skills training, digitised dossiers, signatures) and turn green later than others.
"""

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from sqlmodel import Session, select

from readiness import demo_tasks
from readiness.access import audit, auth
from readiness.access.permissions import Actor, Permission, require
from readiness.core import criteria, registry
from readiness.core.models import (
    Commune,
    Criterion,
    CriterionKind,
    Origin,
    ResultBase,
    ReviewStatus,
    Role,
    SubmissionCreate,
)
from readiness.core.progress import Progress, each
from readiness.core.settings import get_settings
from readiness.intake import submissions

FIRST_WEEK = date(2025, 7, 5)
LAST_WEEK = date(2025, 11, 15)
WEEKS = (LAST_WEEK - FIRST_WEEK).days // 7 + 1
# Reports come in on Saturday afternoon, Vietnam time (UTC+7).
_REPORT_TIME = time(9, 0)

# Typical week (0-based) at which a criterion turns green, before each commune's own lag.
_TYPICAL_GREEN_WEEK = {
    "TC01": 2, "TC02": 6, "TC03": 7, "TC04": 5, "TC05": 1, "TC06": 5, "TC07": 0, "TC08": 10,
    "TC09": 4, "TC10": 6, "TC11": 11, "TC12": 3, "TC13": 9, "TC14": 0, "TC15": 12, "TC16": 8,
}  # fmt: skip


# Made-up reporters (names and mobile numbers) for the demo's warning list.
_FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
_MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
_GIVEN_NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Phương"]


def reporting_dates() -> list[date]:
    return [FIRST_WEEK + timedelta(weeks=w) for w in range(WEEKS)]


def load(session: Session, actor: Actor, seed: int = 57, progress: Progress | None = None) -> int:
    """Replace the demo submissions with a fresh set. Returns how many submissions were written. `progress` is
    told of each commune's story, then of each batch stored."""
    require(actor, Permission.LOAD_DEMO)
    submissions.delete_by_origin(session, Origin.DEMO)
    catalog = criteria.criteria(session)
    communes = session.exec(select(Commune).order_by(Commune.code)).all()
    rows = [s for commune in each(communes, progress, lambda c: c.name) for s in _commune_story(commune, catalog, seed)]
    batches = range(0, len(rows), 20_000)
    for start in each(batches, progress, lambda start: f"{min(start + 20_000, len(rows)):,}/{len(rows):,}"):
        submissions.save(session, rows[start : start + 20_000])
    tasks = demo_tasks.load(session, seed)
    audit.record(
        session, actor.name, "demo.load", f"{len(communes)} communes", f"{len(rows)} submissions, {tasks} tasks"
    )
    return len(rows)


def clear(session: Session, actor: Actor) -> int:
    """Remove the demo submissions and demo tasks, nothing else. Returns how many submissions were removed."""
    require(actor, Permission.LOAD_DEMO)
    removed = submissions.delete_by_origin(session, Origin.DEMO)
    tasks = demo_tasks.clear(session)
    audit.record(session, actor.name, "demo.clear", detail=f"{removed} submissions, {tasks} tasks")
    return removed


class DemoAccount(NamedTuple):
    name: str
    role: Role
    commune_code: str | None
    # Deterministic and printed by `readiness demo`: for trying the app, never for real data.
    password: str
    created: bool


def _demo_accounts() -> list[tuple[str, Role, str | None]]:
    """One account per province-wide role, and one for each of the first three communes of the province."""
    communes = registry.communes(get_settings().province)[:3]
    return [(f"demo-{role}", role, None) for role in (Role.ADMIN, Role.OFFICER, Role.LEADER)] + [
        (f"demo-{c.code}", Role.COMMUNE, c.code) for c in communes
    ]


def password(name: str) -> str:
    """A demo account's password: printed by `readiness demo` and shown beside the demo button."""
    return f"{name}-nq57"


def account_names() -> list[str]:
    return [name for name, _, _ in _demo_accounts()]


def load_all(
    session: Session, actor: Actor, seed: int = 57, progress: Progress | None = None
) -> tuple[int, list[DemoAccount]]:
    """What `readiness demo` and the demo button both do: the demo submissions, then the demo accounts."""
    return load(session, actor, seed, progress), load_accounts(session, actor)


def load_accounts(session: Session, actor: Actor) -> list[DemoAccount]:
    """Create the demo accounts that are missing; existing ones (and their passwords) are left as they are."""
    existing = auth.account_names(session)
    accounts = []
    for name, role, commune_code in _demo_accounts():
        secret = password(name)
        if name not in existing:
            auth.create_account(session, actor, name, role, secret, commune_code)
        accounts.append(DemoAccount(name, role, commune_code, secret, name not in existing))
    return accounts


def clear_accounts(session: Session, actor: Actor) -> list[str]:
    """Delete the demo accounts, the demo admin last. Returns the names removed."""
    existing = auth.account_names(session)
    removed = [name for name, _, _ in reversed(_demo_accounts()) if name in existing]
    for name in removed:
        auth.delete_account(session, actor, name)
    return removed


def _commune_story(commune: Commune, catalog: list[Criterion], seed: int) -> list[SubmissionCreate]:
    rng = random.Random(f"{seed}:{commune.code}")
    staff = rng.randint(18, 32) if commune.kind == "phường" else rng.randint(22, 45)
    computers = staff + rng.randint(1, 6)
    dossiers = rng.randint(120, 900)
    # One commune in eight is slow: it starts reporting late and catches up only in the last weeks.
    slow = rng.random() < 0.125
    lag = rng.uniform(4, 7) if slow else rng.uniform(-1, 3)
    first_week = rng.randint(3, 6) if slow else rng.choice([0, 0, 0, 1, 1, 2])
    last = WEEKS - 1
    plan = {
        c.code: min(last, max(0, round(_TYPICAL_GREEN_WEEK.get(c.code, 6) + lag + rng.uniform(-2, 2)))) for c in catalog
    }
    starts = {c.code: rng.uniform(0.2, 0.7) for c in catalog}
    out_of = {"TC11": dossiers, "TC16": computers}
    # A rng of its own, so that the reported values stay those of earlier versions of the demo.
    people = random.Random(f"{seed}:{commune.code}:reporter")
    reporter = f"{people.choice(_FAMILY_NAMES)} {people.choice(_MIDDLE_NAMES)} {people.choice(_GIVEN_NAMES)}"
    phone = f"09{people.randint(0, 99_999_999):08d}"
    stories = []
    for week, day in enumerate(reporting_dates()):
        if week < first_week:
            continue
        results = [_result(c, week, plan[c.code], starts[c.code], out_of.get(c.code, staff), rng) for c in catalog]
        stories.append(
            SubmissionCreate(
                commune_code=commune.code,
                reporting_date=day,
                received_at=datetime.combine(day, _REPORT_TIME, tzinfo=UTC),
                received_from="demo",
                origin=Origin.DEMO,
                reporter_name=reporter,
                reporter_phone=phone,
                review_status=ReviewStatus.APPROVED,
                results=results,
            )
        )
    return stories


def _result(c: Criterion, week: int, green_week: int, start: float, total: int, rng: random.Random) -> ResultBase:
    green = week >= green_week
    progress = min(1.0, week / max(green_week, 1))
    if c.kind == CriterionKind.YES_NO:
        return ResultBase(criterion_code=c.code, value=1.0 if green else 0.0)
    if c.kind == CriterionKind.NUMBER:
        if green:
            value = c.target * rng.choice([1, 1, 1.5, 2]) if c.target >= 10 else c.target + rng.choice([0, 0, 1])
        else:
            below = c.target * (start + (1 - start) * progress * 0.8)
            value = min(math.floor(below / 10) * 10 if c.target >= 10 else math.floor(below), c.target - 1)
        return ResultBase(criterion_code=c.code, value=float(max(value, 0)))
    needed = math.ceil(c.target * total - 1e-9)
    if green:
        met = min(total, needed + (rng.randint(0, total - needed) if c.target < 1 else 0))
    else:
        met = min(needed - 1, math.floor(total * c.target * (start + (1 - start) * progress * 0.9)))
    return ResultBase(criterion_code=c.code, value=float(met), out_of=float(total))
