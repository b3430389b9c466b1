"""Scopes of a national installation, on SQLite and PostgreSQL: a province account reads, reviews, exports and
manages its province only; a national account reads everything and may open any province; the command line's
--as obeys the same rules. Single-province mode keeps its behaviour."""

import io
import json
from datetime import date

import pytest
from conftest import NATIONAL_PASSWORD as PASSWORD
from sqlalchemy import select

from readiness.access import auth
from readiness.access.permissions import (
    OPERATOR,
    Actor,
    Permission,
    PermissionDenied,
    UnknownProvince,
    allowed,
    readable_province,
)
from readiness.cli import main
from readiness.core import db
from readiness.core.models import Role, Submission
from readiness.intake import review
from readiness.outputs import export
from readiness.reading import queries

HANOI, HCMC = "01", "79"
CUA_NAM, VUNG_TAU = "00073", "26506"  # a Hà Nội ward and a Hồ Chí Minh City ward
DAY = date(2025, 10, 6)


def actor(name: str) -> Actor:
    with db.session() as session:
        return auth.acting_as(session, name)


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def summary(capsys: pytest.CaptureFixture, *flags: str) -> dict:
    code, out, err = run(capsys, "summary", "--json", "--as-of", DAY.isoformat(), *flags)
    assert code == 0, err
    return json.loads(out)


def test_each_account_carries_its_scope(national):
    assert actor("hn") == Actor("hn", Role.OFFICER, province=HANOI)
    assert actor("nation").province is None
    # A commune account works in its commune's province.
    assert actor("vungtau") == Actor("vungtau", Role.COMMUNE, VUNG_TAU, province=HCMC)
    assert readable_province(actor("hn")) == HANOI
    assert readable_province(actor("vungtau")) == HCMC
    assert readable_province(actor("nation")) == "all"
    assert readable_province(actor("nation"), "79") == HCMC
    with pytest.raises(PermissionDenied, match="Hà Nội"):
        readable_province(actor("hn"), HCMC)
    with pytest.raises(UnknownProvince):
        readable_province(actor("nation"), "99")


def test_summary_as_each_account_gives_its_scope(national, capsys):
    hn, hcm, nation = (summary(capsys, "--as", name) for name in ("hn", "hcm", "nation"))
    assert (hn["province_code"], hn["communes"]) == (HANOI, 126)
    with db.session() as session:
        assert set(hn["by_commune"]) == set(queries.communes(session, HANOI)["code"])
    assert hn["by_commune"][CUA_NAM]["green"] == 1 and VUNG_TAU not in hn["by_commune"]
    assert hn["criteria"]["TC01"]["green"] == 1
    assert hcm["province_code"] == HCMC and hcm["by_commune"][VUNG_TAU]["green"] == 1
    assert CUA_NAM not in hcm["by_commune"]
    assert (nation["province_code"], nation["communes"]) == ("all", 3321)
    assert nation["by_commune"][CUA_NAM] == hn["by_commune"][CUA_NAM]
    assert nation["criteria"]["TC01"]["green"] == 2
    # A national account opens any province; the figures are the province account's own.
    assert summary(capsys, "--as", "nation", "--province", "1") == hn
    code, _, err = run(capsys, "summary", "--json", "--as", "hn", "--province", HCMC)
    assert code == 1 and "Account hn works within Thành phố Hà Nội only; province 79 is outside that scope" in err


def test_a_province_officer_reviews_only_its_province(national, capsys):
    with db.session() as session:
        ids = dict(session.execute(select(Submission.commune_code, Submission.id)).all())
        hn_queue = review.submissions(session, actor("hn"))
        nation_queue = review.submissions(session, actor("nation"))
    assert hn_queue["commune_code"].tolist() == [CUA_NAM]
    assert sorted(nation_queue["commune_code"]) == [CUA_NAM, VUNG_TAU]
    with pytest.raises(PermissionDenied, match="xã/phường mã 26506 nằm ngoài phạm vi"), db.write_session() as session:
        review.approve(session, actor("hn"), ids[VUNG_TAU])
    code, out, _ = run(capsys, "review", "list", "--json", "--as", "hcm")
    assert code == 0 and [row["commune_code"] for row in json.loads(out)] == [VUNG_TAU]
    assert run(capsys, "review", "approve", str(ids[CUA_NAM]), "--as", "hcm")[0] == 1
    assert run(capsys, "review", "approve", str(ids[CUA_NAM]), "--as", "hn")[0] == 0


def test_commune_rights_and_exports_stop_at_the_province(national):
    hn = actor("hn")
    assert allowed(hn, Permission.VIEW_COMMUNE, CUA_NAM)
    assert not allowed(hn, Permission.VIEW_COMMUNE, VUNG_TAU)
    assert not allowed(hn, Permission.IMPORT_CHECKLIST, VUNG_TAU)
    assert allowed(actor("nation"), Permission.VIEW_COMMUNE, VUNG_TAU)
    with db.session() as session:
        assert export.warning_list_workbook(session, DAY, HANOI, "en", actor=hn)[:2] == b"PK"
        with pytest.raises(PermissionDenied):
            export.consolidated_workbook(session, DAY, "all", "en", actor=hn)


def test_accounts_are_bound_to_a_province_and_a_province_admin_manages_its_own(national, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, _ = run(capsys, "user", "add", "hn-admin", "--role", "admin", "--province", "01", "--password-stdin")
    assert code == 0 and "province 01" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = run(
        capsys,
        "user",
        "add",
        "cuanam",
        "--role",
        "commune",
        "--commune",
        CUA_NAM,
        "--province",
        HCMC,
        "--password-stdin",
    )
    assert code == 1 and "Commune 00073 is not in Thành phố Hồ Chí Minh" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = run(capsys, "user", "add", "someone", "--role", "officer", "--province", "99", "--password-stdin")
    assert code == 1 and "There is no province with code '99'" in err

    admin = actor("hn-admin")
    with db.write_session() as session:
        made = auth.create_account(session, admin, "hn-leader", Role.LEADER, PASSWORD)
        assert made.province == HANOI  # an admin of a province creates accounts of its province
        assert sorted(auth.list_accounts(session, admin)["name"]) == ["hn", "hn-admin", "hn-leader", "hn2"]
    with pytest.raises(PermissionDenied), db.write_session() as session:
        auth.create_account(session, admin, "spy", Role.OFFICER, PASSWORD, province_code=HCMC)
    with pytest.raises(auth.AccountError, match="Không có tài khoản tên hcm"), db.write_session() as session:
        auth.disable_account(session, admin, "hcm")
    assert actor("hcm").province == HCMC  # still enabled: acting as a disabled account is refused


def test_single_province_mode_is_unchanged(initialized, capsys, monkeypatch):
    with db.write_session() as session:
        officer = auth.create_account(session, OPERATOR, "lan", Role.OFFICER, PASSWORD)
        with pytest.raises(auth.AccountError, match="chỉ chế độ toàn quốc"):
            auth.create_account(session, OPERATOR, "minh", Role.OFFICER, PASSWORD, province_code=HANOI)
    assert officer == Actor("lan", Role.OFFICER)
    assert readable_province(officer) == HANOI
    with pytest.raises(PermissionDenied):
        readable_province(officer, HCMC)
    assert summary(capsys, "--as", "lan") == summary(capsys)
