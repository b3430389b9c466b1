"""Units: the departments file validated and synced (audited), the communes as units, unit accounts."""

import json
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

from readiness import bootstrap
from readiness.access import audit, auth
from readiness.access.permissions import OPERATOR, Permission, allowed
from readiness.cli import main
from readiness.core import db, units
from readiness.core.enums import Role, UnitKind

PASSWORD = "unit-password-57"


def test_shipped_units_file_is_valid_and_has_the_departments():
    departments = units.load_units(PROJECT_DIR / "data" / "units.toml")
    codes = [d.code for d in departments]
    assert {"SKHCN", "SNV", "STC", "CATP", "VP-UBND"} <= set(codes)
    assert all(d.emails for d in departments)


def test_bad_units_file_names_every_problem(tmp_path: Path):
    path = tmp_path / "units.toml"
    path.write_text(
        '[[unit]]\ncode = "12345"\nname = "Sở A"\n[[unit]]\ncode = "SA"\nname = ""\nemails = ["not-an-address"]\n'
        '[[unit]]\ncode = "SB"\nname = "SỞ A"\ncolour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(units.UnitsError) as raised:
        units.load_units(path)
    message = str(raised.value)
    assert "unit #1 (12345), field 'code'" in message
    assert "unit #2 (SA), field 'name'" in message
    assert "not-an-address" in message
    assert "unit #3 (SB), field 'colour'" in message


def test_init_makes_departments_and_communes_units(initialized: str):
    with db.session() as session:
        departments = units.units(session, UnitKind.DEPARTMENT)
        communes = units.units(session, UnitKind.COMMUNE)
    assert departments[0].code == "VP-UBND"
    assert len(communes) == 126
    assert communes[0].code == "00004"


def test_sync_applies_the_file_and_audits(initialized: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shipped = (PROJECT_DIR / "data" / "units.toml").read_text(encoding="utf-8")
    path = tmp_path / "units.toml"
    path.write_text(shipped.replace('name = "Sở Du lịch"', 'name = "Sở Du lịch Hà Nội"'), encoding="utf-8")
    monkeypatch.setenv("READINESS_UNITS_PATH", str(path))
    db.reset_caches()
    changes = bootstrap.sync_units(OPERATOR)
    assert changes == ["SDL name: Sở Du lịch → Sở Du lịch Hà Nội"]
    assert bootstrap.sync_units(OPERATOR) == []
    with db.session() as session:
        trail = audit.events(session, OPERATOR)
    assert (trail["action"] == "units.sync").sum() == 1


def test_unit_account_is_bound_to_a_department(initialized: str):
    with db.write_session() as session:
        actor = auth.create_account(session, OPERATOR, "syt", Role.UNIT, PASSWORD, unit_code="syt")
        with pytest.raises(auth.Refusal):
            auth.create_account(session, OPERATOR, "x1", Role.UNIT, PASSWORD)
        with pytest.raises(auth.Refusal):
            auth.create_account(session, OPERATOR, "x2", Role.UNIT, PASSWORD, unit_code="00070")
        with pytest.raises(auth.Refusal):
            auth.create_account(session, OPERATOR, "x3", Role.OFFICER, PASSWORD, unit_code="SYT")
    assert actor.unit_code == "SYT" and actor.own_unit == "SYT"
    assert allowed(actor, Permission.REPORT_TASK, "SYT")
    assert not allowed(actor, Permission.REPORT_TASK, "STC")
    assert not allowed(actor, Permission.VIEW_PROVINCE)
    assert auth.authenticate("syt", PASSWORD) == actor


def test_units_list_json(initialized: str, capsys: pytest.CaptureFixture):
    assert main(["units", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0] == {"code": "VP-UBND", "name": "Văn phòng Ủy ban nhân dân Thành phố", "kind": "department"}
    assert {"code": "00070", "name": "Phường Hoàn Kiếm", "kind": "commune"} in listed
