"""Tasks scoped by province (national mode), on SQLite and PostgreSQL: a unit belongs to a province (a commune to
its own, a department to the one data/units.toml gives it), a task to its lead unit's; a Hà Nội account neither
sees nor changes Hồ Chí Minh City's tasks, which only the national scope counts, on the CLI, the API and the
Nhiệm vụ page."""

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from alembic import command
from conftest import APP, log_in, plan_row
from conftest import NATIONAL_PASSWORD as PASSWORD
from sqlalchemy import MetaData, Table, insert, select
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from readiness import bootstrap
from readiness.access import auth, tokens
from readiness.access.permissions import OPERATOR, PermissionDenied
from readiness.cli import main
from readiness.core import db, registry
from readiness.core.db import alembic_config, get_engine
from readiness.core.enums import Role
from readiness.core.settings import DATA_DIR, get_settings
from readiness.core.task_models import Task, TaskCompletion, Unit
from readiness.intake import task_import, task_workbook, tasks

HCM_DEPARTMENT = "HCM-SKHCN"


@pytest.fixture
def two_provinces(national: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shipped units (Hà Nội's) and one Hồ Chí Minh City department of the same name as a Hà Nội one; two
    tasks in each province, one led by a department and one by a ward."""
    units = tmp_path / "units.toml"
    units.write_text(
        (DATA_DIR / "units.toml").read_text(encoding="utf-8")
        + f'\n[[unit]]\ncode = "{HCM_DEPARTMENT}"\nname = "Sở Khoa học và Công nghệ"\nprovince = "79"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("READINESS_UNITS_PATH", str(units))
    get_settings.cache_clear()
    bootstrap.sync_units(OPERATOR)
    with db.write_session() as session:
        rows = [
            plan_row("HN-1", "SKHCN", date(2025, 9, 30)),
            plan_row("HN-2", "00073", date(2025, 12, 31)),
            plan_row("HCM-1", HCM_DEPARTMENT, date(2025, 9, 30)),
            plan_row("HCM-2", "26506", None),
        ]
        tasks.save_plan(session, OPERATOR, [r._replace(coordinating_unit_codes=[]) for r in rows], None)
    return national


def cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def summary(capsys: pytest.CaptureFixture, *flags: str) -> dict:
    code, out = cli(capsys, "tasks", "summary", "--json", "--as-of", "2025-10-15", *flags)
    assert code == 0, out
    return json.loads(out)


def test_units_belong_to_a_province(two_provinces: str):
    with db.session() as session:
        province = dict(session.execute(select(Unit.code, Unit.province_code)).all())
    assert (province["SKHCN"], province["00073"], province[HCM_DEPARTMENT], province["26506"]) == (
        "01",
        "01",
        "79",
        "79",
    )


def test_each_scope_counts_its_own_tasks(two_provinces: str, capsys: pytest.CaptureFixture):
    hn, hcm, nation = (summary(capsys, "--as", name) for name in ("hn", "hcm", "nation"))
    assert (hn["total"], sorted(hn["by_unit"])) == (2, ["00073", "SKHCN"])
    assert (hcm["total"], sorted(hcm["by_unit"])) == (2, ["26506", HCM_DEPARTMENT])
    assert nation["total"] == 4 and nation["in_progress"]["overdue"] == 2
    assert summary(capsys, "--as", "nation", "--province", "79") == hcm
    code, out = cli(capsys, "tasks", "summary", "--json", "--as", "hn", "--province", "79")
    assert code != 0 and "Hà Nội" in out
    code, out = cli(capsys, "tasks", "list", "--json", "--as", "hn")
    assert [t["code"] for t in json.loads(out)["tasks"]] == ["HN-1", "HN-2"]


def test_the_api_answers_for_the_tokens_scope(two_provinces: str):
    import api

    client = TestClient(api.build())
    with db.write_session() as session:
        token = {name: tokens.create(session, OPERATOR, name) for name in ("hn", "nation")}

    def total(name: str, **params: str) -> int:
        answer = client.get("/tasks/summary", headers={"Authorization": f"Bearer {token[name]}"}, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    assert (total("hn"), total("nation"), total("nation", province="79")) == (2, 4, 2)
    refused = client.get(
        "/tasks/summary", headers={"Authorization": f"Bearer {token['hn']}"}, params={"province": "79"}
    )
    assert refused.status_code == 403


def test_a_province_account_changes_only_its_provinces_tasks(two_provinces: str, capsys, tmp_path: Path):
    with db.session() as session:
        hn = auth.acting_as(session, "hn")
    with db.write_session() as session, pytest.raises(PermissionDenied, match="Hà Nội"):
        tasks.complete(session, hn, "HCM-1", date(2025, 9, 1))
    with db.write_session() as session, pytest.raises(PermissionDenied):
        tasks.extend(session, hn, "HCM-1", date(2025, 12, 31), "1/QĐ-UBND", date(2025, 9, 1))
    with db.write_session() as session, pytest.raises(PermissionDenied):
        tasks.history(session, hn, "HCM-2")
    with db.session() as session, pytest.raises(PermissionDenied):
        task_workbook.progress_workbook(session, hn, HCM_DEPARTMENT)
    code, _ = cli(capsys, "tasks", "done", "HN-1", "--on", "2025-09-01", "--as", "hn")
    assert code == 0

    # The plan: only Hà Nội's units can be named (the HCMC department's name resolves to Hà Nội's own), and a code
    # of another province's task is not the account's to take.
    with db.session() as session:
        template = task_workbook.plan_template(session, "01")
    book = openpyxl.load_workbook(io.BytesIO(template))
    listed = [row[0] for row in book[task_workbook.UNITS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert "SKHCN" in listed and HCM_DEPARTMENT not in listed and "00073" in listed and "26506" not in listed
    sheet = book[task_workbook.PLAN_SHEET]
    for r, (code, lead) in enumerate([("HN-3", "Sở Khoa học và Công nghệ"), ("HCM-1", HCM_DEPARTMENT)], start=5):
        for column, value in zip("ABDFH", [code, "Nội dung", "Tỉnh", lead, "31/12/2025"], strict=True):
            sheet[f"{column}{r}"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    (outcome,) = task_import.import_files([("ke-hoach.xlsx", buffer.getvalue())], hn)
    assert outcome.outcome == "rejected"
    assert [p.cell for p in outcome.problems] == ["F6", "A6"]
    assert "HCM-SKHCN" in outcome.problems[0].message("en")
    assert "another province" in outcome.problems[1].message("en")
    with db.session() as session:
        assert session.execute(select(Task.code).order_by(Task.code)).scalars().all() == [
            "HCM-1", "HCM-2", "HN-1", "HN-2"
        ]  # fmt: skip
        assert session.execute(select(Task.code).join(TaskCompletion)).scalars().all() == ["HN-1"]


@pytest.mark.page
def test_the_task_page_shows_the_accounts_province(two_provinces: str):
    with db.session() as session:
        hn = auth.acting_as(session, "hn")
    at = log_in(AppTest.from_file(APP, default_timeout=60), hn)
    at.session_state["as_of"] = date(2025, 10, 15)
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Tổng số nhiệm vụ"] == "2"
    assert at.selectbox(key="task_code").options[:2] == ["HN-1 — Nội dung HN-1", "HN-2 — Nội dung HN-2"]
    assert len(at.selectbox(key="task_code").options) == 2


def test_migration_0011_places_the_existing_units(database: str):
    """Units stored before 0011: a commune in its own province, a department in the installation's (Hà Nội)."""
    config = alembic_config()
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
    with db.write_session() as session:
        registry.seed(session, get_settings().province)
    with get_engine().begin() as connection:
        unit = Table("unit", MetaData(), autoload_with=connection)
        connection.execute(
            insert(unit),
            [
                {"code": "SKHCN", "name": "Sở KH&CN", "kind": "department", "emails": "", "position": 0},
                {"code": "00070", "name": "Phường Hoàn Kiếm", "kind": "commune", "emails": "", "position": 1},
            ],
        )
    db.upgrade()
    with db.session() as session:
        assert dict(session.execute(select(Unit.code, Unit.province_code)).all()) == {"SKHCN": "01", "00070": "01"}


def test_a_department_account_works_in_its_departments_province(two_provinces: str, capsys: pytest.CaptureFixture):
    with db.write_session() as session:
        hcm = auth.create_account(session, OPERATOR, "hcm-skhcn", Role.UNIT, PASSWORD, unit_code=HCM_DEPARTMENT)
        with pytest.raises(auth.AccountError, match="79"):
            auth.create_account(
                session, OPERATOR, "hn-skhcn", Role.UNIT, PASSWORD, unit_code="SKHCN", province_code="79"
            )
    assert hcm.province == "79"
    assert summary(capsys, "--as", "hcm-skhcn")["total"] == 2
