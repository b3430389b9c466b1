"""Evidence carried by progress workbooks: the files named in the `Minh chứng` column are found next to the workbook
(or in --evidence-dir, or among the files uploaded with it), checked as criterion evidence, and stored with the
report; one missing or refused file refuses the whole workbook at its cell, and nothing is stored."""

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import plan_row
from hostile_evidence import image, pdf
from sqlalchemy import func, select
from test_task_register import run

from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db
from readiness.core.models import ImportFile
from readiness.core.task_models import TaskCompletion, TaskEvidence, TaskProgress
from readiness.intake import task_import, tasks
from readiness.intake import task_workbook as workbook


@pytest.fixture
def planned(initialized: str) -> str:
    with db.write_session() as session:
        tasks.save_plan(
            session,
            OPERATOR,
            [plan_row("T1", "SKHCN", date(2025, 9, 30)), plan_row("T2", "SKHCN", date(2025, 12, 31))],
            None,
        )
    return initialized


def progress_file(capsys: pytest.CaptureFixture, path: Path, evidence: dict[str, str], done: str = "") -> Path:
    """SKHCN's progress workbook as the app writes it, with 50 % on every task and `evidence` (code → cell)."""
    run(capsys, "tasks", "progress", "--unit", "SKHCN", "--out", str(path))
    book = openpyxl.load_workbook(path)
    sheet = book[workbook.PROGRESS_SHEET]
    columns = {sheet.cell(4, c).value: c for c in range(1, 20) if sheet.cell(4, c).value}
    assert workbook.EVIDENCE in columns  # the template has the column
    for r in range(5, sheet.max_row + 1):
        code = sheet.cell(r, 1).value
        sheet.cell(r, columns[workbook.PERCENT], 50)
        if code in evidence:
            sheet.cell(r, columns[workbook.EVIDENCE], evidence[code])
        if code == "T1" and done:
            sheet.cell(r, columns[workbook.DONE_ON], done)
    book.save(path)
    return path


def stored() -> tuple[int, int, list[tuple[str, str, bool]]]:
    with db.session() as session:
        progress = session.scalar(select(func.count()).select_from(TaskProgress))
        completions = session.scalar(select(func.count()).select_from(TaskCompletion))
        files = session.execute(
            select(TaskEvidence.filename, TaskEvidence.media_type, TaskEvidence.completion_id.is_not(None)).order_by(
                TaskEvidence.filename
            )
        ).all()
    return progress, completions, [tuple(f) for f in files]


def test_named_files_next_to_the_workbook_are_stored_with_the_report(planned: str, tmp_path: Path, capsys):
    (tmp_path / "bien-ban.pdf").write_bytes(pdf())
    (tmp_path / "Anh-Lap-Dat.PNG").write_bytes(image("PNG"))
    path = progress_file(capsys, tmp_path / "tien-do.xlsx", {"T1": "bien-ban.pdf; anh-lap-dat.png"}, "01/09/2025")
    out = json.loads(run(capsys, "tasks", "import", str(path), "--json"))
    assert (out["status"], out["progress"], out["completions"], out["evidence"]) == ("accepted", 2, 1, 2)
    # Found whatever the case of the name (kept as the workbook writes it); attached to the completion reported.
    assert stored() == (2, 1, [("anh-lap-dat.png", "image/png", True), ("bien-ban.pdf", "application/pdf", True)])


def test_evidence_dir_is_where_the_files_are(planned: str, tmp_path: Path, capsys):
    files = tmp_path / "minh-chung"
    files.mkdir()
    (files / "bao-cao.pdf").write_bytes(pdf())
    path = progress_file(capsys, tmp_path / "tien-do.xlsx", {"T2": "bao-cao.pdf"})
    capsys.readouterr()
    assert main(["tasks", "import", str(path), "--json"]) == 1  # not next to the workbook
    out = json.loads(run(capsys, "tasks", "import", str(path), "--json", "--evidence-dir", str(files)))
    assert (out["status"], out["evidence"]) == ("accepted", 1)
    assert stored()[2] == [("bao-cao.pdf", "application/pdf", False)]
    assert main(["tasks", "import", str(path), "--evidence-dir", str(tmp_path / "none")]) == 2


def test_a_missing_or_refused_file_refuses_the_workbook_whole(planned: str, tmp_path: Path, capsys):
    (tmp_path / "gia.pdf").write_bytes(b"<html>not a pdf</html>")
    (tmp_path / "tot.pdf").write_bytes(pdf())
    path = progress_file(
        capsys, tmp_path / "tien-do.xlsx", {"T1": "tot.pdf;khong-co.pdf", "T2": "gia.pdf; ../tot.pdf"}, "01/09/2025"
    )
    capsys.readouterr()
    assert main(["tasks", "import", str(path), "--json", "--lang", "en"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "rejected"
    messages = [(p["sheet"], p["cell"], p["message"]) for p in out["problems"]]
    assert [(sheet, cell) for sheet, cell, _ in messages] == [("Tiến độ", "I5"), ("Tiến độ", "I6"), ("Tiến độ", "I6")]
    assert "'khong-co.pdf' was not sent" in messages[0][2]
    assert "gia.pdf is not a PDF, JPEG or PNG" in messages[1][2]
    assert "'../tot.pdf' is not a file name" in messages[2][2]
    assert stored() == (0, 0, [])
    with db.session() as session:
        assert session.execute(select(ImportFile.outcome)).scalars().all() == ["rejected"]


def test_the_upload_finds_evidence_among_the_files_sent_with_it(planned: str, tmp_path: Path, capsys):
    """The web page's path: the files uploaded in the same batch, looked up by name."""
    path = progress_file(capsys, tmp_path / "tien-do.xlsx", {"T2": "Quyết định.pdf"})
    files = [(path.name, path.read_bytes())]
    missing = task_import.import_files(files, OPERATOR, dry_run=True)
    assert missing[0].outcome == "rejected" and missing[0].problems[0].cell == "I6"
    sent = task_import.sent_with({"quyết định.pdf": pdf()})
    (preview,) = task_import.import_files(files, OPERATOR, dry_run=True, evidence_files=sent)
    assert (preview.outcome, preview.evidence) == ("accepted", 1) and stored() == (0, 0, [])
    (done,) = task_import.import_files(files, OPERATOR, evidence_files=sent)
    assert (done.outcome, done.progress, done.evidence) == ("accepted", 2, 1)
    assert stored()[2] == [("Quyết định.pdf", "application/pdf", False)]
