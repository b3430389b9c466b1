"""The upload page's two steps in the domain: check_files archives and audits on receipt, confirm imports."""

import pytest
from conftest import account
from excel_fill import GOOD_GREEN, checklist
from sqlalchemy import select

from readiness.access.permissions import PermissionDenied
from readiness.core import db
from readiness.core.models import AuditEvent, ImportFile, Role, Submission
from readiness.intake import excel


@pytest.fixture
def officer(initialized: str):
    """An officer account of the test's own database (at import time there is none: the tests' databases are made
    per test)."""
    return account(Role.OFFICER)


def archive() -> list[tuple[str, str]]:
    with db.session() as session:
        return [(f.outcome, f.received_from) for f in session.scalars(select(ImportFile).order_by(ImportFile.id))]


def test_check_then_confirm_updates_one_archive_entry(officer):
    (checked,) = excel.check_files([("phieu.xlsx", checklist())], officer)
    assert checked.outcome == excel.Outcome.CHECKED and checked.newly_green == GOOD_GREEN
    assert archive() == [("checked", officer.name)]
    outcome = excel.confirm(checked.archive_id, officer)
    assert (outcome.outcome, outcome.archive_id, outcome.newly_green) == ("accepted", checked.archive_id, GOOD_GREEN)
    assert archive() == [("accepted", officer.name)]
    with pytest.raises(PermissionDenied):  # a second click, or a second tab
        excel.confirm(checked.archive_id, officer)
    with db.session() as session:
        assert len(session.scalars(select(Submission)).all()) == 1
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["account.create", "import.checked", "import.accepted"]


def test_only_the_account_that_sent_a_file_confirms_it(officer):
    (checked,) = excel.check_files([("phieu.xlsx", checklist())], officer)
    with pytest.raises(PermissionDenied):
        excel.confirm(checked.archive_id, account(Role.ADMIN))
    assert archive() == [("checked", officer.name)]


def test_a_file_imported_meanwhile_is_a_duplicate_on_confirm(officer):
    data = checklist()
    (first,) = excel.check_files([("a.xlsx", data)], officer)
    (second,) = excel.check_files([("b.xlsx", data)], officer)
    assert excel.confirm(first.archive_id, officer).outcome == "accepted"
    assert excel.confirm(second.archive_id, officer).outcome == "duplicate"
    assert [outcome for outcome, _ in archive()] == ["accepted", "duplicate"]


def test_a_leader_may_not_send_files(initialized):
    with pytest.raises(PermissionDenied):
        excel.check_files([("phieu.xlsx", checklist())], account(Role.LEADER))
    assert archive() == []


def test_confirming_many_files_stores_each_on_its_own_and_refuses_the_batch_if_one_is_not_the_accounts(officer):
    admin = account(Role.ADMIN)
    mine = excel.check_files([("a.xlsx", checklist("00070")), ("b.xlsx", checklist("00073"))], officer)
    (theirs,) = excel.check_files([("c.xlsx", checklist("00004"))], admin)
    with pytest.raises(PermissionDenied):
        excel.confirm_files([o.archive_id for o in [*mine, theirs]], officer)
    assert [outcome for outcome, _ in archive()] == ["checked", "checked", "checked"]  # nothing stored
    told = []
    outcomes = excel.confirm_files([o.archive_id for o in mine], officer, lambda *step: told.append(step))
    assert [o.outcome for o in outcomes] == ["accepted", "accepted"]
    assert told == [(1, 2, "a.xlsx"), (2, 2, "b.xlsx")]
    with db.session() as session:
        ids = session.execute(select(Submission.import_file_id).order_by(Submission.id)).scalars().all()
    assert ids == [o.archive_id for o in mine]  # one submission per file, each tied to its own archive entry
