"""The review workflow through the command line (a contract for outside checks), on SQLite and PostgreSQL: upload,
evidence, return with a reason, correction, approval; with READINESS_COUNTS=approved the criterion turns green only
then, in `summary --json`, on the commune page and in its PDF."""

import io
import json
from datetime import date

import pytest
from conftest import account, log_in
from excel_fill import checklist
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from test_review import PDF_BYTES
from test_review_pages import APP

import ui
from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db
from readiness.core.models import Role
from readiness.outputs import report


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture, *argv: str) -> object:
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def _add_user(monkeypatch: pytest.MonkeyPatch, name: str, role: str, commune: str | None = None) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    extra = ["--commune", commune] if commune else []
    assert main(["user", "add", name, "--role", role, "--password-stdin", *extra]) == 0


def _tc09(capsys: pytest.CaptureFixture, *flags: str) -> tuple[int, int]:
    """TC09 green communes, and 00070's green count, from `summary --json`."""
    data = _json(capsys, "summary", "--json", "--as-of", "2025-11-15", *flags)
    return data["criteria"]["TC09"]["green"], data["by_commune"]["00070"]["green"]


def _page_green(monkeypatch: pytest.MonkeyPatch) -> str:
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.LEADER))
    at.session_state["as_of"] = date(2025, 11, 15)
    at.run()
    at.switch_page("pages/commune.py")
    at.query_params["commune"] = "00070"
    at.run()
    assert not at.exception, at.exception
    return {m.label: m.value for m in at.metric}["Tiêu chí đạt"]


def _pdf_line() -> str:
    with db.session() as session:
        data = report.commune_report(session, "00070", date(2025, 11, 15), "vi", actor=OPERATOR)
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def test_the_whole_review_cycle_through_the_cli(initialized, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("READINESS_COUNTS", "approved")
    db.reset_caches()
    _add_user(monkeypatch, "lan", "commune", "70")
    _add_user(monkeypatch, "hoa", "officer")
    _add_user(monkeypatch, "chief", "leader")
    first, corrected = tmp_path / "phieu.xlsx", tmp_path / "phieu-sua.xlsx"
    first.write_bytes(checklist(TC09=("Có", None)))
    corrected.write_bytes(checklist(TC09=("Có", None), TC08=(30, 30)))
    (tmp_path / "quyet-dinh.pdf").write_bytes(PDF_BYTES)
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf at all")

    code, out, _ = _run(capsys, "import", str(first), "--json", "--as", "lan")
    assert code == 0
    [submitted] = json.loads(out)["submission_ids"]
    code, out, _ = _run(capsys, "evidence", "add", "70", "TC09", str(tmp_path / "quyet-dinh.pdf"), "--as", "lan")
    assert code == 0 and "stored for commune 70, criterion TC09" in out
    code, _, err = _run(capsys, "evidence", "add", "70", "TC09", str(tmp_path / "fake.pdf"), "--as", "lan")
    assert code == 1 and "fake.pdf is not a PDF, JPEG or PNG" in err
    code, _, err = _run(capsys, "evidence", "add", "73", "TC09", str(tmp_path / "quyet-dinh.pdf"), "--as", "lan")
    assert code == 1 and "may act only for commune 00070" in err
    [listed] = _json(capsys, "evidence", "list", "00070", "--json", "--as", "hoa")
    assert (listed["filename"], listed["media_type"], listed["uploaded_by"]) == (
        "quyet-dinh.pdf",
        "application/pdf",
        "lan",
    )
    assert len(_json(capsys, "evidence", "list", "00070", "--json", "--as", "chief")) == 1
    code, _, err = _run(capsys, "evidence", "list", "00070", "--json", "--as", "demo-x")
    assert code == 1 and "demo-x" in err

    # Pending and READINESS_COUNTS=approved: nothing counts yet; the reported view counts it.
    assert _tc09(capsys) == (0, 0)
    assert _json(capsys, "summary", "--json", "--as-of", "2025-11-15")["counts"] == "approved"
    assert _json(capsys, "review", "list", "--status", "pending", "--json") == [
        {
            "id": submitted,
            "commune_code": "00070",
            "reporting_date": "2025-11-15",
            "origin": "upload",
            "status": "pending",
            "reason": "",
            # The checklist's green TC01 and TC14 have no evidence file; sent long after its reporting date.
            "flags": ["no_evidence", "backdated"],
        }
    ]

    before = _json(capsys, "review", "list", "--json")
    for argv, message in [
        (["review", "approve", str(submitted), "--as", "lan"], "does not have the right: review"),
        (["review", "approve", str(submitted), "--as", "chief"], "does not have the right: review"),
        (["review", "return", str(submitted), "--as", "hoa"], "A reason is required"),
        (["review", "approve", str(submitted + 99), "--as", "hoa"], f"no submission with id {submitted + 99}"),
    ]:
        code, _, err = _run(capsys, *argv)
        assert code == 1 and message in err, (argv, err)
    assert _json(capsys, "review", "list", "--json") == before  # refusals changed nothing

    code, out, _ = _run(capsys, "review", "return", str(submitted), "--reason", "Thiếu quyết định", "--as", "hoa")
    assert code == 0 and f"Submission {submitted} returned." in out
    [seen] = _json(capsys, "review", "list", "--json", "--as", "lan")
    assert (seen["status"], seen["reason"]) == ("returned", "Thiếu quyết định")

    code, out, _ = _run(capsys, "import", str(corrected), "--json", "--as", "lan")
    [second] = json.loads(out)["submission_ids"]
    assert _tc09(capsys) == (0, 0)
    ui.clear_cache()
    assert _page_green(monkeypatch) == "0/16"
    assert "Chưa có báo cáo nào" in _pdf_line()

    assert _run(capsys, "review", "approve", str(second), "--as", "hoa")[0] == 0
    code, _, err = _run(capsys, "review", "approve", str(second), "--as", "hoa")
    assert code == 1 and "already approved" in err
    green, commune_green = _tc09(capsys)
    assert green == 1 and commune_green == 15
    ui.clear_cache()
    assert _page_green(monkeypatch) == "15/16"
    assert "Đạt 15/16 tiêu chí" in _pdf_line()
    assert _tc09(capsys, "--approved-only") == (1, 15)


def test_approved_only_overrides_the_reported_setting_and_nobody_reviews_their_own_upload(
    initialized, tmp_path, capsys, monkeypatch
):
    _add_user(monkeypatch, "hoa", "officer")
    _add_user(monkeypatch, "minh", "officer")
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(checklist())
    code, out, _ = _run(capsys, "import", str(path), "--json", "--as", "hoa")
    [submitted] = json.loads(out)["submission_ids"]
    reported = _json(capsys, "summary", "--json", "--as-of", "2025-11-15")
    approved = _json(capsys, "summary", "--json", "--as-of", "2025-11-15", "--approved-only")
    assert (reported["counts"], reported["pending"], reported["by_commune"]["00070"]["green"]) == ("reported", 1, 13)
    assert (approved["counts"], approved["pending"], approved["by_commune"]["00070"]["green"]) == ("approved", 0, 0)
    code, _, err = _run(capsys, "review", "approve", str(submitted), "--as", "hoa")
    assert code == 1 and "nobody reviews their own upload" in err
    assert _run(capsys, "review", "approve", str(submitted), "--as", "minh")[0] == 0
    assert _json(capsys, "summary", "--json", "--as-of", "2025-11-15", "--approved-only")["fully_green"] == 0
    assert _json(capsys, "review", "list", "--status", "approved", "--json")[0]["id"] == submitted
