"""The task register end to end, on SQLite and PostgreSQL: a plan of 200 tasks written into the app's own template,
completions through the command line and through the units' progress workbooks, extensions and returned
completions; `readiness tasks summary --json` equals a count made here, independently, at several dates."""

import io
import json
import random
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from readiness.access import auth
from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db
from readiness.core.enums import Role
from readiness.core.models import AuditEvent, ImportFile
from readiness.core.task_models import Task, TaskCompletion
from readiness.intake import task_workbook as workbook

DEPARTMENTS = ["SKHCN", "SNV", "STC", "SYT", "SGDDT", "SXD", "CATP", "VP-UBND"]
COMMUNES = ["00070", "00004", "00008"]
PASSWORD = "unit-password-57"
AS_OF = [date(2025, 8, 1), date(2025, 10, 1), date(2025, 12, 31), date(2026, 6, 30)]


def run(capsys: pytest.CaptureFixture, *argv: str) -> str:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    return out.out


def plan(seed: int = 18) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for n in range(1, 201):
        deadline = None if n % 7 == 0 else date(2025, 6, 1) + timedelta(days=rng.randrange(300))
        task = {
            "code": f"NV57-{n:03d}",
            "content": f"Nhiệm vụ số {n}: triển khai nội dung chuyển đổi số",
            "level": "Trung ương" if n <= 187 else "Tỉnh",
            "objective": rng.choice(["Hạ tầng số", "Dữ liệu số", "Nhân lực số"]),
            "lead": rng.choice(DEPARTMENTS + COMMUNES),
            "deadline": deadline,
            "extension": None,
            "done_on": None,
            "route": None,
            "returned": False,
        }
        if deadline and n % 11 == 0:
            task["extension"] = (deadline + timedelta(days=60), deadline + timedelta(days=rng.randrange(-20, 20)))
        if rng.random() < 0.6:
            task["done_on"] = (deadline or date(2025, 9, 1)) + timedelta(days=rng.randrange(-40, 40))
            task["route"] = "cli" if n % 2 else "workbook"
            task["returned"] = task["route"] == "workbook" and n % 10 == 4
        rows.append(task)
    return rows


def expected(tasks: list[dict], as_of: date, level: str | None = None) -> dict:
    """The steering committee's count, made here from the issue's definitions."""
    total = {"on_time": 0, "late": 0, "within": 0, "overdue": 0, "continuous": 0}
    by_unit: dict[str, dict[str, int]] = {}
    for task in tasks:
        if level and task["level"] != level:
            continue
        deadline = task["deadline"]
        if task["extension"] and task["extension"][1] <= as_of:
            deadline = task["extension"][0]
        done = task["done_on"] if task["done_on"] and not task["returned"] and task["done_on"] <= as_of else None
        if deadline is None:
            key = "continuous"
        elif done is not None:
            key = "on_time" if done <= deadline else "late"
        else:
            key = "within" if deadline >= as_of else "overdue"
        total[key] += 1
        unit = by_unit.setdefault(
            task["lead"], {"total": 0, "on_time": 0, "late": 0, "within": 0, "overdue": 0, "continuous": 0}
        )
        unit["total"] += 1
        unit[key] += 1
    return {
        "as_of": as_of.isoformat(),
        "total": sum(total.values()),
        "done": {"total": total["on_time"] + total["late"], "on_time": total["on_time"], "late": total["late"]},
        "in_progress": {
            "total": total["within"] + total["overdue"],
            "within": total["within"],
            "overdue": total["overdue"],
        },
        "continuous": total["continuous"],
        "by_unit": dict(sorted(by_unit.items())),
    }


def fill_plan(template: Path, tasks: list[dict], out: Path) -> None:
    book = openpyxl.load_workbook(template)
    sheet = book[workbook.PLAN_SHEET]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == workbook.CODE)
    columns = {sheet.cell(header, c).value: c for c in range(1, 20) if sheet.cell(header, c).value}
    for i, task in enumerate(tasks, start=header + 1):
        values = {
            workbook.CODE: task["code"],
            workbook.CONTENT: task["content"],
            workbook.SOURCE: "Kế hoạch 02-KH/BCĐTW",
            workbook.LEVEL: task["level"],
            workbook.OBJECTIVE: task["objective"],
            workbook.LEAD: task["lead"],
            workbook.COORDINATING: "STC; Sở Nội vụ",
            # Real dates and dd/mm/yyyy texts, as people type both.
            workbook.DEADLINE: (task["deadline"].strftime("%d/%m/%Y") if i % 2 else task["deadline"])
            if task["deadline"]
            else "Thường xuyên",
        }
        for label, value in values.items():
            sheet.cell(i, columns[label], value)
    book.save(out)


def fill_progress(path: Path, done: dict[str, date], percent: int) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[workbook.PROGRESS_SHEET]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == workbook.CODE)
    columns = {sheet.cell(header, c).value: c for c in range(1, 20) if sheet.cell(header, c).value}
    for r in range(header + 1, sheet.max_row + 1):
        code = sheet.cell(r, 1).value
        if code in done:
            sheet.cell(r, columns[workbook.DONE_ON], done[code].strftime("%d/%m/%Y"))
            sheet.cell(r, columns[workbook.RESULT], "Đã hoàn thành, có biên bản")
        elif code:
            sheet.cell(r, columns[workbook.PERCENT], percent)
    book.save(path)


def accounts() -> dict[str, str]:
    names = {}
    with db.write_session() as session:
        for unit in DEPARTMENTS:
            names[unit] = auth.create_account(session, OPERATOR, f"u-{unit}", Role.UNIT, PASSWORD, unit_code=unit).name
        for commune in COMMUNES:
            names[commune] = auth.create_account(
                session, OPERATOR, f"c-{commune}", Role.COMMUNE, PASSWORD, commune
            ).name
    return names


def test_summary_equals_an_independent_count(initialized: str, tmp_path: Path, capsys: pytest.CaptureFixture):
    tasks = plan()
    run(capsys, "tasks", "template", "--out", str(tmp_path / "mau.xlsx"))
    fill_plan(tmp_path / "mau.xlsx", tasks, tmp_path / "ke-hoach.xlsx")
    imported = json.loads(run(capsys, "tasks", "import", str(tmp_path / "ke-hoach.xlsx"), "--json"))
    assert imported["status"] == "accepted" and imported["created"] == 200

    for task in tasks:
        if task["extension"]:
            new, decided = task["extension"]
            run(capsys, "tasks", "extend", task["code"], "--to", new.isoformat(), "--decision",
                f"{task['code'][-3:]}/QĐ-UBND", "--decision-date", decided.isoformat())  # fmt: skip
        if task["route"] == "cli":
            run(capsys, "tasks", "done", task["code"], "--on", task["done_on"].isoformat(), "--result", "Xong")
    names = accounts()
    for unit in DEPARTMENTS + COMMUNES:
        mine = {t["code"]: t["done_on"] for t in tasks if t["lead"] == unit and t["route"] == "workbook"}
        path = tmp_path / f"tien-do-{unit}.xlsx"
        run(capsys, "tasks", "progress", "--unit", unit, "--out", str(path), "--as", names[unit])
        fill_progress(path, mine, 50)
        out = json.loads(run(capsys, "tasks", "import", str(path), "--json", "--as", names[unit]))
        assert out["status"] == "accepted", out["problems"]
        assert out["completions"] == len(mine)
    # Returned completions never count.
    with db.session() as session:
        returned = [t["code"] for t in tasks if t["returned"]]
        ids = session.execute(select(TaskCompletion.id).join(Task).where(Task.code.in_(returned))).scalars().all()
    assert len(ids) == len(returned) > 0
    for completion in ids:
        run(capsys, "tasks", "review", str(completion), "return", "--reason", "Thiếu minh chứng")

    for as_of in AS_OF:
        got = json.loads(run(capsys, "tasks", "summary", "--json", "--as-of", as_of.isoformat()))
        assert got == expected(tasks, as_of)
    central = json.loads(run(capsys, "tasks", "summary", "--json", "--as-of", "2025-11-14", "--level", "Trung ương"))
    assert central == expected(tasks, date(2025, 11, 14), "Trung ương")
    assert central["total"] == 187

    listed = json.loads(run(capsys, "tasks", "list", "--json", "--as-of", "2025-12-31", "--class", "overdue"))
    want = expected(tasks, date(2025, 12, 31))
    assert len(listed["tasks"]) == want["in_progress"]["overdue"]
    assert all(t["class"] == "overdue" and t["days"] > 0 for t in listed["tasks"])


def test_plan_with_one_bad_row_is_refused_whole(initialized: str, tmp_path: Path, capsys: pytest.CaptureFixture):
    tasks = plan()[:30]
    run(capsys, "tasks", "template", "--out", str(tmp_path / "mau.xlsx"))
    fill_plan(tmp_path / "mau.xlsx", tasks, tmp_path / "ke-hoach.xlsx")
    book = openpyxl.load_workbook(tmp_path / "ke-hoach.xlsx")
    sheet = book[workbook.PLAN_SHEET]
    sheet["F20"] = "Sở Khoa hoc va Cong nghe"  # row 16's lead unit, misspelt
    sheet["H21"] = "31/02/2026"
    book.save(tmp_path / "ke-hoach.xlsx")
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    capsys.readouterr()
    assert main(["tasks", "import", str(tmp_path / "ke-hoach.xlsx"), "--json", "--lang", "en"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "rejected"
    cells = {(p["sheet"], p["cell"]): p["message"] for p in out["problems"]}
    assert set(cells) == {("Kế hoạch", "F20"), ("Kế hoạch", "H21")}
    assert "Did you mean: Sở Khoa học và Công nghệ (SKHCN)" in cells["Kế hoạch", "F20"]
    assert "not a real date" in cells["Kế hoạch", "H21"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0
        archived = session.execute(select(ImportFile.outcome, ImportFile.kind)).all()
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    assert archived == [("rejected", "task_plan")]
    assert events == before + 1


def test_unit_account_may_report_only_its_own_tasks(initialized: str, tmp_path: Path, capsys):
    tasks = [t for t in plan() if t["lead"] in ("SKHCN", "SYT")][:10]
    run(capsys, "tasks", "template", "--out", str(tmp_path / "mau.xlsx"))
    fill_plan(tmp_path / "mau.xlsx", tasks, tmp_path / "ke-hoach.xlsx")
    run(capsys, "tasks", "import", str(tmp_path / "ke-hoach.xlsx"))
    names = accounts()
    path = tmp_path / "tien-do.xlsx"
    run(capsys, "tasks", "progress", "--unit", "SYT", "--out", str(path))  # the DOST writes SYT's workbook
    fill_progress(path, {}, 70)
    capsys.readouterr()
    assert main(["tasks", "import", str(path), "--json", "--as", names["SKHCN"]]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "rejected"
    assert all("SKHCN" in p["message"] for p in out["problems"])
    # Nor may it import the plan.
    assert main(["tasks", "import", str(tmp_path / "ke-hoach.xlsx"), "--as", names["SKHCN"]]) == 1
    skhcn_task = next(t["code"] for t in tasks if t["lead"] == "SKHCN")
    assert main(["tasks", "done", skhcn_task, "--on", "2025-09-01", "--as", names["SYT"]]) == 1
    assert main(["tasks", "done", skhcn_task, "--on", "2025-09-01", "--as", names["SKHCN"]]) == 0
    with db.session() as session:
        assert session.scalars(select(TaskCompletion.review_status)).all() == ["pending"]


def test_progress_workbook_round_trip_changes_only_what_changed(initialized: str, tmp_path: Path, capsys):
    tasks = [t for t in plan() if t["lead"] == "SKHCN"][:5]
    run(capsys, "tasks", "template", "--out", str(tmp_path / "mau.xlsx"))
    fill_plan(tmp_path / "mau.xlsx", tasks, tmp_path / "ke-hoach.xlsx")
    run(capsys, "tasks", "import", str(tmp_path / "ke-hoach.xlsx"))
    path = tmp_path / "tien-do.xlsx"
    run(capsys, "tasks", "progress", "--unit", "skhcn", "--out", str(path))
    fill_progress(path, {}, 40)
    first = json.loads(run(capsys, "tasks", "import", str(path), "--json"))
    assert first["progress"] == 5
    again = tmp_path / "lai.xlsx"
    run(capsys, "tasks", "progress", "--unit", "SKHCN", "--out", str(again))
    book = openpyxl.load_workbook(io.BytesIO(again.read_bytes()))
    percents = [row[3] for row in book[workbook.PROGRESS_SHEET].iter_rows(min_row=5, values_only=True) if row[0]]
    assert percents == [40] * 5  # pre-filled with the latest report
    unchanged = json.loads(run(capsys, "tasks", "import", str(again), "--json"))
    assert (unchanged["status"], unchanged["progress"], unchanged["completions"]) == ("accepted", 0, 0)
