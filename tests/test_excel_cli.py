"""`readiness template` and `readiness import`: files written, exit codes, --json shape, --lang, --dry-run."""

import io
import json

from excel_fill import GOOD_GREEN, checklist, label_value_cell, open_sheet

from readiness.cli import main
from readiness.core import db
from readiness.reading.queries import commune_history


def test_template_commands_write_the_checklist_and_the_province_workbook(initialized, tmp_path, capsys):
    assert main(["template", "--commune", "70", "--out", str(tmp_path / "c.xlsx"), "--no-prefill"]) == 0
    assert main(["template", "--province", "--out", str(tmp_path / "p.xlsx")]) == 0
    _, sheet = open_sheet((tmp_path / "c.xlsx").read_bytes())
    assert label_value_cell(sheet, "Mã xã/phường").value == "00070"
    _, province = open_sheet((tmp_path / "p.xlsx").read_bytes())
    assert province.title == "Tổng hợp" and province.max_row == 11 + 126
    assert "Wrote" in capsys.readouterr().out


def test_template_for_an_unknown_commune_fails_with_a_message(initialized, tmp_path, capsys):
    assert main(["template", "--commune", "99999", "--out", str(tmp_path / "c.xlsx")]) == 2
    assert "99999" in capsys.readouterr().err
    assert not (tmp_path / "c.xlsx").exists()


def test_import_exit_status_is_0_only_when_every_file_is_accepted(initialized, tmp_path, capsys):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(checklist())
    bad.write_bytes(checklist(TC01=("có lẽ", None)))

    assert main(["import", str(good), "--dry-run"]) == 0
    assert "HỢP LỆ (chạy thử, chưa ghi) good.xlsx: xã/phường 00070" in capsys.readouterr().out
    assert main(["import", str(good)]) == 0
    assert f"ĐÃ NHẬN good.xlsx: xã/phường 00070, ngày báo cáo 15/11/2025, {GOOD_GREEN} tiêu chí mới đạt" in (
        capsys.readouterr().out
    )
    assert main(["import", str(good)]) == 1  # a duplicate is not an accepted file
    assert "TRÙNG good.xlsx" in capsys.readouterr().out
    assert main(["import", str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "REJECTED bad.xlsx: 1 problem(s), no figures stored" in out
    assert "Phiếu tự đánh giá!E12: Criterion TC01: 'có lẽ' is not a yes/no answer." in out


def test_import_json_prints_one_object_per_file(initialized, tmp_path, capsys):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(checklist())
    bad.write_bytes(b"ma,gia tri\n")
    capsys.readouterr()
    assert main(["import", str(good), str(bad), "--json"]) == 1
    lines = capsys.readouterr().out.splitlines()
    first, second = (json.loads(line) for line in lines)
    assert len(lines) == 2
    assert set(first) == {
        "file",
        "status",
        "kind",
        "sha256",
        "size",
        "commune_code",
        "communes",
        "reporting_date",
        "newly_green",
        "no_longer_green",
        "problems",
        "problem_count",
        "submission_ids",
    }
    assert first["status"] == "accepted" and first["commune_code"] == "00070"
    with db.session() as session:
        assert first["submission_ids"] == commune_history(session, "00070")["id"].tolist()
    assert second["submission_ids"] == []
    assert first["reporting_date"] == "2025-11-15" and first["problems"] == [] and first["problem_count"] == 0
    assert first["kind"] == "commune_checklist" and len(first["sha256"]) == 64
    assert second["status"] == "rejected" and second["commune_code"] is None
    assert second["problems"] == [
        {"sheet": "", "cell": "", "message": second["problems"][0]["message"]},
    ]
    assert "CSV" in second["problems"][0]["message"]


def test_import_of_a_missing_path_fails_before_importing_anything(initialized, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(checklist())
    assert main(["import", str(good), str(tmp_path / "nope.xlsx")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["import", str(good), "--json"]) == 0  # not imported by the failed call


def test_import_as_an_account_has_exactly_its_rights(initialized, tmp_path, capsys, monkeypatch):
    own, other = tmp_path / "own.xlsx", tmp_path / "other.xlsx"
    own.write_bytes(checklist("00070"))
    other.write_bytes(checklist("00073"))
    for name, role, commune in [("lan", "commune", "70"), ("chief", "leader", None)]:
        monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
        assert (
            main(
                ["user", "add", name, "--role", role, "--password-stdin", *(["--commune", commune] if commune else [])]
            )
            == 0
        )
    capsys.readouterr()

    assert main(["import", str(other), "--as", "lan", "--lang", "en"]) == 1
    assert "may act only for commune 00070, not for 00073" in capsys.readouterr().out
    assert main(["import", str(own), "--as", "chief", "--lang", "en"]) == 1
    assert "does not have the right" in capsys.readouterr().out
    assert main(["import", str(own), "--as", "ghost"]) == 1
    assert "ghost" in capsys.readouterr().err
    with db.session() as session:
        assert commune_history(session, "00073").empty
        assert commune_history(session, "00070").empty

    assert main(["import", str(own), "--as", "lan"]) == 0
    with db.session() as session:
        assert commune_history(session, "00070")["received_from"].tolist() == ["lan"]

    assert main(["user", "disable", "lan"]) == 0
    capsys.readouterr()
    assert main(["import", str(other), "--as", "lan"]) == 1
    assert "lan" in capsys.readouterr().err
