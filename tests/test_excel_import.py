"""Import: every bad input is rejected with a specific message (sheet, cell) and changes nothing but the archive;
duplicates, supersede and history, dry run, permissions."""

import io
import json
import random
import tomllib
import zipfile
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from conftest import PROJECT_DIR
from excel_fill import (
    GOOD_GREEN,
    checklist,
    fill_checklist,
    fill_province,
    label_value_cell,
    open_sheet,
    save,
    template,
)
from sqlalchemy import func, select

from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.i18n import today
from readiness.core.models import AuditEvent, ImportFile, Result, Role, Submission
from readiness.core.settings import Settings, get_settings
from readiness.intake import excel
from readiness.intake.excel.container import MAX_RATIO
from readiness.reading import queries

SHEET = "Phiếu tự đánh giá"


def edited(data: bytes, edit: Callable) -> bytes:
    workbook, sheet = open_sheet(data)
    edit(workbook, sheet)
    return save(workbook)


def counts() -> dict[str, int]:
    with db.session() as session:
        return {
            table.__name__: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Submission, Result, ImportFile, AuditEvent)
        }


def with_part(data: bytes, name: str, content: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with one more part in its zip container."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def test_a_good_checklist_is_accepted_stored_archived_and_audited(initialized):
    data = checklist()
    (outcome,) = excel.import_files([("hoan-kiem.xlsx", data)], OPERATOR)
    assert outcome.outcome == excel.Outcome.ACCEPTED
    assert outcome.problems == []
    assert (outcome.commune_code, outcome.reporting_date) == ("00070", date(2025, 11, 15))
    assert outcome.newly_green == GOOD_GREEN  # nothing was green before
    with db.session() as session:
        submission = session.get(Submission, outcome.submission_ids[0])
        results = {r.criterion_code: (r.value, r.out_of) for r in session.scalars(select(Result))}
        green = {r.criterion_code for r in session.scalars(select(Result).where(Result.green))}
        archive = session.get(ImportFile, submission.import_file_id)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import.accepted")).one()
    assert submission.green_count == GOOD_GREEN
    # The flags stored are the statuses the import showed.
    assert green == set(outcome.changes.loc[outcome.changes["status"] == "green", "criterion_code"])
    assert (submission.origin, submission.received_from) == ("upload", "cli")
    assert (submission.reporter_name, submission.reporter_phone) == ("Nguyễn Văn An", "0912 345 678")
    assert results["TC01"] == (1.0, None) and results["TC09"] == (0.0, None)
    assert results["TC10"] == (30.0, 30.0) and results["TC11"] == (0.85, None)
    assert (archive.content, archive.sha256, archive.outcome) == (data, outcome.sha256, "accepted")
    assert event.file_sha256 == outcome.sha256 and event.target == "00070"


# ------------------------------------------------------------------------------------------ bad input


def with_part_replaced(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return buffer.getvalue()


def _encrypted() -> bytes:
    # An encrypted .xlsx is an OLE compound file holding the streams EncryptionInfo and EncryptedPackage.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(600)


def _too_big() -> bytes:
    return with_part(checklist(), "xl/media/photo.bin", random.Random(1).randbytes(1_100_000), zipfile.ZIP_STORED)


def _formula(_workbook, sheet) -> None:
    sheet["E13"] = "=100+20"  # openpyxl saves formulas without a computed value


BAD_INPUTS = {
    "csv renamed": (lambda: b"Ma tieu chi,Gia tri\nTC01,Co\n", [("", "", "văn bản (CSV hoặc TXT)")]),
    "random bytes": (lambda: random.Random(7).randbytes(3000), [("", "", "không phải sổ làm việc Excel")]),
    "empty file": (lambda: b"", [("", "", "Tệp rỗng")]),
    "truncated": (lambda: checklist()[:5000], [("", "", "bị hỏng hoặc không đầy đủ")]),
    "encrypted": (_encrypted, [("", "", "đặt mật khẩu")]),
    "old xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), [("", "", "Excel 97–2003 (.xls)")]),
    "damaged sheet": (
        lambda: with_part_replaced(checklist(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
        [("", "", "Không đọc được nội dung sổ làm việc")],
    ),
    "vba project": (lambda: with_part(checklist(), "xl/vbaProject.bin", b"VBA"), [("", "", "macro")]),
    "zip bomb": (
        lambda: with_part(checklist(), "xl/media/big.bin", bytes(30_000_000)),
        [("", "", "zip bomb")],
    ),
    "over the upload limit": (_too_big, [("", "", "Tệp nặng 1,1 MB, vượt giới hạn 1 MB")]),
    "unknown commune code": (
        lambda: edited(checklist(), lambda _w, s: setattr(label_value_cell(s, "Mã xã/phường"), "value", "99999")),
        [(SHEET, "C6", "Mã xã/phường '99999' không có trong danh mục")],
    ),
    "not a commune code": (
        lambda: edited(checklist(), lambda _w, s: setattr(label_value_cell(s, "Mã xã/phường"), "value", "Hoàn Kiếm")),
        [(SHEET, "C6", "'Hoàn Kiếm' không có trong danh mục")],
    ),
    "commune outside the province": (
        lambda: edited(checklist(), lambda _w, s: setattr(label_value_cell(s, "Mã xã/phường"), "value", "1273")),
        [(SHEET, "C6", "Mã 01273 là Phường Thục Phán thuộc Cao Bằng, không thuộc Thành phố Hà Nội")],
    ),
    "commune code missing": (
        lambda: edited(checklist(), lambda _w, s: setattr(label_value_cell(s, "Mã xã/phường"), "value", None)),
        [(SHEET, "C6", "Chưa ghi mã xã/phường")],
    ),
    "unknown criterion code": (
        lambda: edited(checklist(), lambda _w, s: setattr(s["A12"], "value", "TC99")),
        [(SHEET, "A12", "Mã tiêu chí 'TC99' không có trong danh mục (TC01–TC16)"), (SHEET, "A11", "TC01")],
    ),
    "missing criterion row": (
        lambda: edited(checklist(), lambda _w, s: s.delete_rows(16)),
        [(SHEET, "A11", "Thiếu dòng của tiêu chí TC05")],
    ),
    "duplicated criterion row": (
        lambda: edited(checklist(), lambda _w, s: setattr(s["A13"], "value", "TC01")),
        [(SHEET, "A13", "Tiêu chí TC01 có hai dòng (dòng 12 và 13)"), (SHEET, "A11", "Thiếu dòng của tiêu chí TC02")],
    ),
    "value not a number": (
        lambda: checklist(TC02=("nhanh", None)),
        [(SHEET, "E13", "Tiêu chí TC02: 'nhanh' không phải là số")],
    ),
    "negative value": (lambda: checklist(TC04=(-2, None)), [(SHEET, "E15", "số âm (-2)")]),
    "value above its out-of": (
        lambda: checklist(TC03=(35, 30)),
        [(SHEET, "E14", "Tiêu chí TC03: số đạt 35 lớn hơn tổng số 30")],
    ),
    "out-of zero": (lambda: checklist(TC03=(0, 0)), [(SHEET, "F14", "Tiêu chí TC03: tổng số bằng 0")]),
    "count without out-of": (lambda: checklist(TC03=(30, None)), [(SHEET, "E14", "có số 30 nhưng thiếu tổng số")]),
    "share above 100%": (lambda: checklist(TC11=("120%", None)), [(SHEET, "E22", "vượt quá 100%")]),
    "yes/no not understood": (
        lambda: checklist(TC01=("có lẽ", None)),
        [(SHEET, "E12", "Tiêu chí TC01: 'có lẽ' không phải câu trả lời Có/Không")],
    ),
    "reporting date missing": (lambda: checklist(day=None), [(SHEET, "C7", "Chưa ghi ngày báo cáo")]),
    "reporting date unparseable": (
        lambda: checklist(day="31/02/2025"),
        [(SHEET, "C7", "Ngày báo cáo '31/02/2025' không đọc được")],
    ),
    "reporting date before the start": (
        lambda: checklist(day="30/06/2025"),
        [(SHEET, "C7", "Ngày báo cáo 30/06/2025 trước ngày 01/07/2025")],
    ),
    "reporting date in the future": (
        lambda: checklist(day=today() + timedelta(days=1)),
        [(SHEET, "C7", "ở tương lai")],
    ),
    "formula without a saved value": (
        lambda: edited(checklist(), _formula),
        [(SHEET, "E13", "công thức nhưng chưa có kết quả")],
    ),
    "merged cells across the table": (
        lambda: edited(checklist(), lambda _w, s: s.merge_cells("E12:F12")),
        [(SHEET, "E12", "Các ô E12:F12 đang được gộp")],
    ),
    "no value at all": (
        lambda: fill_checklist(template(), "15/11/2025", {}),
        [(SHEET, "E11", "Phiếu chưa có giá trị nào")],
    ),
    "not a checklist": (
        lambda: edited(checklist(), lambda _w, s: setattr(s["A11"], "value", "Mã")),
        [("", "", "Không tìm thấy bảng số liệu")],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_rejected_with_where_and_what_and_changes_nothing_but_the_archive(initialized, monkeypatch, case):
    build, expected = BAD_INPUTS[case]
    if case == "over the upload limit":
        monkeypatch.setenv("READINESS_UPLOAD_LIMIT_MB", "1")
        get_settings.cache_clear()
    data = build()
    before = counts()

    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR)

    assert outcome.outcome == excel.Outcome.REJECTED
    found = [(p.sheet, p.cell, p.message("vi")) for p in outcome.problems]
    for sheet, cell, fragment in expected:
        assert any((s, c) == (sheet, cell) and fragment in m for s, c, m in found), (fragment, found)
    assert all(p.message("en") and p.message("en") != p.message("vi") for p in outcome.problems)
    after = counts()
    assert (after["Submission"], after["Result"]) == (before["Submission"], before["Result"])
    assert after["ImportFile"] == before["ImportFile"] + 1
    with db.session() as session:
        archive = session.scalars(select(ImportFile).order_by(ImportFile.id.desc())).first()
    assert (archive.content, archive.outcome) == (data, "rejected")
    assert [(p["sheet"], p["cell"]) for p in json.loads(archive.problems)] == [(s, c) for s, c, _ in found]


def test_xlsm_is_refused_by_name_even_without_macros(initialized):
    (outcome,) = excel.import_files([("phieu.xlsm", checklist())], OPERATOR)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert "macro" in outcome.problems[0].message("vi")


def test_a_zip_bomb_is_refused_from_its_headers_before_anything_is_inflated(initialized, monkeypatch):
    data = with_part(checklist(), "xl/media/big.bin", bytes(30_000_000))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = archive.getinfo("xl/media/big.bin")
    assert part.file_size / part.compress_size > MAX_RATIO
    inflate = zipfile.ZipFile.open

    def guarded(archive, name, *args, **kwargs):
        assert "big.bin" not in str(getattr(name, "filename", name)), "the bomb was inflated"
        return inflate(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", guarded)
    (outcome,) = excel.import_files([("bomb.xlsx", data)], OPERATOR, dry_run=True)
    assert "zip bomb" in outcome.problems[0].message("en")


def test_a_zip_bomb_whose_headers_lie_about_its_size_is_refused_without_inflating_it(initialized):
    data = bytearray(with_part(checklist(), "xl/media/big.bin", bytes(30_000_000)))
    # Declare the 30 MB part as 1 kB, in its local header and in the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.rfind(signature + b"", 0, data.rfind(b"xl/media/big.bin") + 1)
        data[start + offset : start + offset + 4] = (1000).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("xl/media/big.bin").file_size == 1000
    (outcome,) = excel.import_files([("bomb.xlsx", bytes(data))], OPERATOR, dry_run=True)
    assert outcome.outcome == "rejected"
    assert "damaged or incomplete" in outcome.problems[0].message("en")


def test_every_problem_of_a_file_is_listed_at_once_in_either_language(initialized):
    data = checklist(day="32/13/2025", TC01=("maybe", None), TC02=("-", None), TC03=(40, 30))
    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR)
    assert [p.cell for p in outcome.problems] == ["C7", "E12", "E13", "E14"]
    english = outcome.to_dict("en")["problems"]
    assert english[1] == {
        "sheet": SHEET,
        "cell": "E12",
        "message": "Criterion TC01: 'maybe' is not a yes/no answer. Write 'Có' (yes) or 'Không' (no) "
        "(in the Excel checklist: pick it from the cell's list).",
    }


def test_what_people_rearrange_is_still_read(initialized):
    """Inserted rows and columns, a title, hidden rows, an extra sheet in front: not errors."""

    def rearrange(workbook, sheet) -> None:
        sheet.insert_rows(1, 2)
        sheet["A1"] = "UBND PHƯỜNG HOÀN KIẾM"
        sheet.insert_cols(4)
        sheet["D13"] = "cột thêm"
        sheet.row_dimensions[18].hidden = True
        notes = workbook.create_sheet("Ghi chú", 0)
        notes["A1"] = "Mã tiêu chí? xem trang sau"  # a sheet without the table's header row

    data = edited(checklist(), rearrange)
    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR)
    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems
    assert outcome.newly_green == GOOD_GREEN


def test_unicode_forms_case_and_spaces_are_understood(initialized):
    import unicodedata

    def decompose(_workbook, sheet) -> None:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = unicodedata.normalize("NFD", cell.value).upper()

    data = edited(checklist(TC01=("  cÓ ", None), TC09=("CHƯA ĐẠT", None)), decompose)
    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR)
    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems
    with db.session() as session:
        submission = session.get(Submission, outcome.submission_ids[0])
    assert submission.reporter_name == "NGUYỄN VĂN AN"  # stored NFC


# ------------------------------------------------------------------------------ duplicates and history


def test_an_identical_file_again_is_a_duplicate_archived_and_not_counted_twice(initialized):
    data = checklist()
    first, second = excel.import_files([("a.xlsx", data), ("a-copy.xlsx", data)], OPERATOR)
    (third,) = excel.import_files([("a.xlsx", data)], OPERATOR)
    assert [first.outcome, second.outcome, third.outcome] == ["accepted", "duplicate", "duplicate"]
    assert counts()["Submission"] == 1
    with db.session() as session:
        archived = session.execute(select(ImportFile.filename, ImportFile.outcome).order_by(ImportFile.id)).all()
    assert archived == [("a.xlsx", "accepted"), ("a-copy.xlsx", "duplicate"), ("a.xlsx", "duplicate")]


def test_a_newer_submission_for_the_same_day_supersedes_and_both_stay_in_the_history(initialized):
    (first,) = excel.import_files([("v1.xlsx", checklist(TC09=("Không", None)))], OPERATOR)
    fixed = checklist(TC08=(30, 30), TC09=("Có", None), TC15=(30, 30), TC16=(31, 32))
    (second,) = excel.import_files([("v2.xlsx", fixed)], OPERATOR)
    assert (first.outcome, second.outcome) == ("accepted", "accepted")
    assert (second.newly_green, second.no_longer_green) == (3, 1)
    with db.session() as session:
        history = queries.commune_history(session, "00070")
        summary = queries.summary(session, date(2025, 11, 20), "01")
    assert history["id"].tolist() == second.submission_ids + first.submission_ids
    assert history["superseded"].tolist() == [False, True]
    counts = summary["by_commune"]["00070"]
    assert {k: counts[k] for k in ("green", "red", "grey")} == {"green": 15, "red": 1, "grey": 0}


def test_blank_criterion_values_are_stored_as_not_reported(initialized):
    (outcome,) = excel.import_files([("p.xlsx", checklist(TC02=(None, None), TC03=(None, None)))], OPERATOR)
    with db.session() as session:
        summary = queries.summary(session, date(2025, 11, 20), "01")
    assert outcome.outcome == "accepted"
    counts = summary["by_commune"]["00070"]
    assert {k: counts[k] for k in ("green", "red", "grey")} == {"green": GOOD_GREEN - 2, "red": 3, "grey": 2}


def test_dry_run_checks_everything_and_writes_nothing(initialized):
    before = counts()
    good, bad = excel.import_files([("good.xlsx", checklist()), ("bad.xlsx", b"")], OPERATOR, dry_run=True)
    assert (good.outcome, bad.outcome) == ("accepted", "rejected")
    assert good.newly_green == GOOD_GREEN and good.submission_ids == []
    assert counts() == before


# ------------------------------------------------------------------------------------------ permissions


def test_a_commune_account_imports_its_own_checklist_only(initialized):
    staff = Actor("hoankiem", Role.COMMUNE, "00070")
    own, other = excel.import_files([("own.xlsx", checklist()), ("other.xlsx", checklist("00073"))], staff)
    assert own.outcome == "accepted"
    assert other.outcome == "rejected"
    assert [(p.sheet, p.cell) for p in other.problems] == [(SHEET, "C6")]
    assert "chỉ được thao tác với xã/phường mã 00070" in other.problems[0].message("vi")
    with db.session() as session:
        archived = session.execute(select(ImportFile.filename, ImportFile.outcome, ImportFile.received_from)).all()
    assert sorted(archived) == [("other.xlsx", "rejected", "hoankiem"), ("own.xlsx", "accepted", "hoankiem")]


def test_a_leader_cannot_import(initialized):
    (outcome,) = excel.import_files([("p.xlsx", checklist())], Actor("lanhdao", Role.LEADER))
    assert outcome.outcome == "rejected"
    assert "import_checklist" in outcome.problems[0].message("en")
    assert counts()["Submission"] == 0


# ------------------------------------------------------------------------------------------ parsing

NUMBERS = [
    ("1.234,5", (1234.5, False)),
    ("1.234", (1234.0, False)),
    ("1,5", (1.5, False)),
    ("1,234.5", (1234.5, False)),
    ("1.234.567", (1234567.0, False)),
    ("0.95", (0.95, False)),
    (" 95 % ", (95.0, True)),
    ("97.125%", (97.125, True)),
    ("95,5%", (95.5, True)),
    (70.0, (70.0, False)),
    ("abc", None),
    ("1,2,3.4,5", None),
    (True, None),
]


@pytest.mark.parametrize(("typed", "expected"), NUMBERS)
def test_numbers_are_read_the_vietnamese_way_first(typed, expected):
    from readiness.intake.excel.values import parse_number

    assert parse_number(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        *[("Có", 1), ("có", 1), ("x", 1), ("Yes", 1), ("Đạt", 1), ("co", 1), (1.0, 1), (True, 1)],
        *[("Không", 0), ("không", 0), ("No", 0), ("Chưa đạt", 0), ("KHÔNG ĐẠT", 0), (0.0, 0), (False, 0)],
        *[("có lẽ", None), ("2", None), (2.0, None), ("đang làm", None)],
    ],
)
def test_yes_no_answers(typed, expected):
    from readiness.intake.excel.values import parse_yes_no

    assert parse_yes_no(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        *[("15/11/2025", date(2025, 11, 15)), ("5/7/2025", date(2025, 7, 5)), ("15-11-2025", date(2025, 11, 15))],
        *[("15.11.2025", date(2025, 11, 15)), ("2025-11-15", date(2025, 11, 15))],
        *[(date(2025, 11, 15), date(2025, 11, 15)), ("31/02/2025", None), ("11/15/2025", None), ("hôm nay", None)],
    ],
)
def test_dates(typed, expected):
    from readiness.intake.excel.values import parse_date

    assert parse_date(typed) == expected


# ------------------------------------------------------------------------------------------ province workbook


def province(values: dict[str, dict[str, tuple]], day: object = "15/11/2025") -> bytes:
    with db.session() as session:
        return fill_province(excel.province_workbook(session, "01"), day, values)


def test_province_workbook_problems_are_listed_with_their_cells(initialized):
    def damage(_workbook, sheet) -> None:
        sheet["C11"] = "TC77"  # was TC01: an unknown criterion, and TC01's column is now missing
        sheet["A14"] = "00004"  # Phường Ba Đình (row 12) again, instead of 00025
        sheet["A15"] = "12345"  # instead of 00070

    values = {
        "00004": {"TC02": (120, None)},
        "00008": {"TC03": (31, 30)},
        "00025": {"TC02": (100, None)},
        "00070": {"TC02": (100, None)},
        "00256": {"TC02": ("nhiều", None)},
    }
    data = edited(province(values), damage)
    before = counts()
    (outcome,) = excel.import_files([("tong-hop.xlsx", data)], OPERATOR)
    found = {(p.cell, p.message("en").split(".")[0]) for p in outcome.problems}
    assert outcome.outcome == "rejected"
    assert found == {
        ("C11", "Column 'TC77': criterion code TC77 is not in the catalog (TC01–TC16)"),
        ("A11", "The column of criterion TC01 (Connected to the Party and State's dedicated data network) is missing"),
        ("E13", "Criterion TC03: the number met, 31, is above the out-of number 30"),
        ("A14", "Commune 00004 has two rows (rows 12 and 14)"),
        ("A15", "Commune code '12345' is not in the official registry"),
        ("D32", "Criterion TC02: 'nhiều' is not a number"),
    }, found
    after = counts()
    assert (after["Submission"], after["Result"]) == (before["Submission"], before["Result"])


def test_province_workbook_without_figures_or_by_a_commune_account_is_rejected(initialized):
    (empty,) = excel.import_files([("trong.xlsx", province({}))], OPERATOR)
    assert "figures for no commune" in empty.problems[0].message("en")
    staff = Actor("hoankiem", Role.COMMUNE, "00070")
    (refused,) = excel.import_files([("th.xlsx", province({"00070": {"TC01": ("Có", None)}}))], staff)
    assert [p.message("en") for p in refused.problems] == [
        "Account hoankiem (role commune) does not have the right: import_province_workbook."
    ]
    assert counts()["Submission"] == 0


def test_the_streamlit_upload_limit_is_the_largest_upload_and_the_workbook_uploader_keeps_its_own():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    settings = Settings()
    # Streamlit's server refuses any body above maxUploadSize, whatever a widget asks: it must admit a national
    # boundary file; the workbook uploader is held to the importer's limit.
    assert config["server"]["maxUploadSize"] == settings.boundary_limit_mb > settings.upload_limit_mb
