"""Each province's report header and warning recipients in a national installation (database, audited), on SQLite
and PostgreSQL: `readiness province set`, the official report's header, the warning mail's recipients; the national
report is the Ministry's; single-province mode keeps the environment's values."""

from datetime import date
from pathlib import Path

import pytest
from conftest import APP, log_in
from conftest import NATIONAL_PASSWORD as PASSWORD
from pypdf import PdfReader
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from readiness.access import auth
from readiness.access.permissions import OPERATOR, PermissionDenied
from readiness.cli import main
from readiness.core import db
from readiness.core.models import AuditEvent, Role
from readiness.outputs import mail, official, province_settings

AS_OF = date(2025, 10, 6)
HCMC = "79"


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_province_gets_its_own_header_and_recipients(national, capsys, tmp_path: Path):
    code, out, err = run(
        capsys,
        *("province", "set", "79", "--issuing-body", "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"),
        *("--issuer-code", "SKHCN-HCM", "--place", "Thành phố Hồ Chí Minh"),
        *("--signer-title", "KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC"),
        *("--signer-name", "Trần Văn Bình", "--recipients", "dost@hcm.example.vn, Leader@hcm.example.vn"),
    )
    assert code == 0, err
    assert "recipients: dost@hcm.example.vn, leader@hcm.example.vn" in out
    with db.session() as session:
        (event,) = session.execute(select(AuditEvent).where(AuditEvent.action == "province.set")).scalars()
    assert (event.actor, event.target) == ("cli", "79 Thành phố Hồ Chí Minh")

    details = official.Details.from_settings(HCMC, number="5")
    assert (details.issuing_body, details.document_number) == (
        "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh",
        "5/BC-SKHCN-HCM",
    )
    assert details.signer_title == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and details.signer_name == "Trần Văn Bình"
    # Another province keeps the defaults; the whole country is the Ministry's.
    assert official.Details.from_settings("01").issuing_body == "Sở Khoa học và Công nghệ"
    ministry = official.Details.from_settings("all")
    assert (ministry.issuing_body, ministry.issuer_code) == ("Bộ Khoa học và Công nghệ", "BKHCN")

    # The province officer's official report carries its province's header (CLI --as: its own scope).
    day = AS_OF.isoformat()
    code, _, err = run(
        capsys, "report", "--official", "--out", str(tmp_path / "hcm.pdf"), "--as", "hcm", "--as-of", day
    )
    assert code == 0, err
    first = _flat(PdfReader(tmp_path / "hcm.pdf").pages[0].extract_text())
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ THÀNH PHỐ HỒ CHÍ MINH" in first and "Số: …/BC-SKHCN-HCM" in first
    out = str(tmp_path / "nation.pdf")
    code, _, err = run(capsys, "report", "--official", "--out", out, "--as", "nation", "--as-of", day)
    assert code == 0, err
    national_text = _flat(PdfReader(tmp_path / "nation.pdf").pages[0].extract_text())
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in national_text and "Số: …/BC-BKHCN" in national_text

    with db.session() as session:
        mails = mail.owed_mails(session, AS_OF, HCMC, actor=OPERATOR)
        hanoi = mail.owed_mails(session, AS_OF, "01", actor=OPERATOR)
    whole = [m for m in mails if mail.is_whole_list(m.scope)]
    assert [(m.recipient, m.scope) for m in whole] == [
        ("dost@hcm.example.vn", "p79"),
        ("leader@hcm.example.vn", "p79"),
    ]
    assert whole[0].body.rstrip().endswith("Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh – Thành phố Hồ Chí Minh")
    assert [m for m in hanoi if mail.is_whole_list(m.scope)] == []  # Hà Nội has no recipients set


def test_bad_values_and_other_provinces_are_refused(national, capsys):
    code, _, err = run(capsys, "province", "set", "79", "--recipients", "dost@hcm, nobody")
    assert code == 1 and "is not one valid e-mail address" in err
    code, _, err = run(capsys, "province", "set", "79", "--place", "X", "--as", "hcm")
    assert code == 1 and "does not have the right: manage_province" in err
    with db.write_session() as session:
        admin = auth.create_account(session, OPERATOR, "hn-admin", Role.ADMIN, PASSWORD, province_code="01")
    with pytest.raises(PermissionDenied), db.write_session() as session:
        province_settings.save(session, admin, HCMC, place="Hà Nội")
    with db.write_session() as session:
        province_settings.save(session, admin, "01", signer_name="Nguyễn Thị Hoa")
    assert official.Details.from_settings("01").signer_name == "Nguyễn Thị Hoa"
    with db.session() as session:
        assert province_settings.listing(session, admin)["province_code"].tolist() == ["01"]
    assert run(capsys, "province", "set", "79")[0] == 2  # nothing to set


def test_single_province_mode_keeps_the_environment(initialized, capsys, monkeypatch):
    monkeypatch.setenv("READINESS_WARNING_RECIPIENTS", "dost@example.vn")
    db.reset_caches()
    code, _, err = run(capsys, "province", "set", "01", "--place", "Hà Nội")
    assert code == 1 and "READINESS_REPORT_* settings" in err
    assert province_settings.header("01").recipients == ["dost@example.vn"]
    with db.session() as session:
        (whole,) = mail.owed_mails(session, AS_OF, "01", actor=OPERATOR)
    assert whole.scope == mail.WHOLE_LIST


@pytest.mark.page
def test_the_provinces_page_saves_a_province(national):
    with db.write_session() as session:
        admin = auth.create_account(session, OPERATOR, "nat-admin", Role.ADMIN, PASSWORD)
    at = log_in(AppTest.from_file(APP, default_timeout=120), admin)
    at.run()
    at.switch_page("pages/provinces.py").run()
    assert not at.exception, at.exception
    at.selectbox[0].set_value(HCMC).run()
    fields = {t.label: t for t in at.text_input}
    fields["Cơ quan ban hành"].set_value("Sở KH&CN TP.HCM")
    fields["Chữ viết tắt trong số ký hiệu (BC-…)"].set_value("SKHCN")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Đã lưu Thành phố Hồ Chí Minh."]
    assert province_settings.header(HCMC).issuing_body == "Sở KH&CN TP.HCM"
