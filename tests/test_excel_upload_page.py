"""The upload page with AppTest: download, upload, preview, confirm, problems table, rights."""

from pathlib import Path

import pytest
from conftest import account, log_in, shown
from excel_fill import GOOD_GREEN, checklist
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import ui
from readiness.access.permissions import Actor
from readiness.core import db
from readiness.core.models import AuditEvent, ImportFile, Role, Submission
from readiness.core.settings import Settings
from readiness.intake import excel
from readiness.reading import queries

pytestmark = pytest.mark.page

APP = str(Path(__file__).resolve().parent.parent / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_page(actor: Actor | None = None, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    log_in(at, actor or account(Role.OFFICER))
    at.run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def test_preview_then_confirm_stores_the_checklist_and_says_what_changed(initialized):
    at = upload_page()
    assert at.title[0].value == "Nộp phiếu tự đánh giá"
    # The server admits a national boundary file; the workbook uploader keeps the importer's lower limit.
    assert at.file_uploader[0].proto.max_upload_size_mb == Settings().upload_limit_mb
    assert len(at.get("download_button")) == 2  # commune checklist and province workbook
    at.file_uploader[0].upload("phieu.xlsx", checklist(), XLSX).run()
    assert not at.exception
    assert "Xem trước" in at.markdown[0].value and "15/11/2025" in at.markdown[0].value
    assert "Số liệu chưa được ghi" in at.markdown[0].value
    preview = shown(at.dataframe[0])
    assert len(preview) == 16
    assert (preview["Trạng thái"] == "Đạt").sum() == GOOD_GREEN
    assert preview.set_index("Mã").loc["TC03", "Giá trị"] == "30/30 máy tính (100%)"
    with db.session() as session:
        assert queries.data_version(session)[0] == 0  # the preview stored nothing

    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith(
        f"Đã nhập {ui.plain('phieu.xlsx')}: {GOOD_GREEN} tiêu chí mới đạt, 0 tiêu chí không còn đạt so với báo cáo "
        "trước. Báo cáo đang chờ Sở KH&CN duyệt"
    )
    assert at.file_uploader[0].value == []  # a fresh uploader for the next files
    with db.session() as session:
        assert queries.data_version(session)[0] == 1


def test_a_bad_file_shows_every_problem_with_sheet_and_cell(initialized):
    at = upload_page()
    at.file_uploader[0].upload("phieu.xlsx", checklist(day=None, TC01=("có lẽ", None)), XLSX).run()
    assert "2 lỗi" in at.error[0].value
    problems = shown(at.dataframe[0])
    assert problems[["Trang tính", "Ô"]].values.tolist() == [["Phiếu tự đánh giá", "C7"], ["Phiếu tự đánh giá", "E12"]]
    assert not at.button  # nothing to confirm


def test_a_commune_account_gets_its_own_checklist_and_a_leader_cannot_upload(initialized):
    at = upload_page(account(Role.COMMUNE, "00070"))
    assert at.selectbox[0].options == ["Phường Hoàn Kiếm (00070)"]
    assert len(at.get("download_button")) == 1  # no province workbook for a commune account
    leader = AppTest.from_file(APP, default_timeout=60)
    log_in(leader, account(Role.LEADER))
    leader.run()
    with pytest.raises(ValueError):
        leader.switch_page("pages/upload.py")  # not among a leader's pages


def test_the_page_speaks_english_on_request(initialized):
    at = upload_page(lang="en")
    assert at.title[0].value == "Upload a checklist"
    at.file_uploader[0].upload("phieu.xlsx", checklist(TC03=(35, 30)), XLSX).run()
    assert "1 problem(s)" in at.error[0].value
    assert shown(at.dataframe[0]).to_dict("records") == [
        {
            "Sheet": "Phiếu tự đánh giá",
            "Cell": "E14",
            "Problem and fix": "Criterion TC03: the number met, 35, is above the out-of number 30. Check both numbers.",
        }
    ]


def test_a_file_name_is_shown_as_text_never_as_markdown(initialized):
    evil = "![x](http://evil.example/x.png) **bold** :red[x].xlsx"
    data = checklist()
    at = upload_page()
    at.file_uploader[0].upload(evil, data, XLSX).run()
    next(b for b in at.button if b.label == "Xác nhận nhập").click().run()
    (success,) = [s.value for s in at.success]
    assert success.startswith(f"Đã nhập {ui.plain(evil)}:")
    assert "![x](" not in success and "**bold**" not in success and ":red[" not in success

    again = upload_page()
    again.file_uploader[0].upload(evil, data, XLSX).run()
    assert again.warning[0].value.startswith(f"Tệp {ui.plain(evil)} đã được nhập trước đây")


def archive_and_audit() -> tuple[list[tuple[str, str]], list[str]]:
    with db.session() as session:
        files = [(f.filename, f.outcome) for f in session.scalars(select(ImportFile).order_by(ImportFile.id))]
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    return files, [a for a in actions if a.startswith("import.")]


def test_every_file_received_is_archived_and_audited_once_and_confirm_turns_it_into_accepted(initialized):
    at = upload_page()
    at.file_uploader[0].upload("phieu.xlsx", checklist(), XLSX).run()
    at.run()  # any rerun of the page (a click elsewhere) must not archive the file again
    assert archive_and_audit() == ([("phieu.xlsx", "checked")], ["import.checked"])
    at.button[0].click().run()
    assert not at.exception
    assert archive_and_audit() == ([("phieu.xlsx", "accepted")], ["import.checked", "import.accepted"])
    with db.session() as session:
        submission = session.scalars(select(Submission)).one()
        assert submission.import_file_id == session.scalars(select(ImportFile.id)).one()


def test_rejected_and_abandoned_uploads_are_archived_and_audited(initialized):
    at = upload_page()
    at.file_uploader[0].upload("sai.xlsx", checklist(TC01=("có lẽ", None)), XLSX).run()
    at.file_uploader[0].upload("bo-do.xlsx", checklist(), XLSX).run()  # previewed, then left
    at = upload_page()
    assert archive_and_audit() == (
        [("sai.xlsx", "rejected"), ("bo-do.xlsx", "checked")],
        ["import.rejected", "import.checked"],
    )
    with db.session() as session:
        assert queries.data_version(session)[0] == 0


def verdicts(at: AppTest) -> list[dict]:
    return shown(at.dataframe[0]).to_dict("records")


def test_many_files_get_one_verdict_table_and_one_confirmation_imports_the_ready_ones(initialized):
    officer = account(Role.OFFICER)
    before = checklist("00004")
    excel.import_files([("cu.xlsx", before)], officer)  # dropped in again below: a duplicate
    at = upload_page()
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    for code in ("00070", "00073"):
        uploader.upload(f"{code}.xlsx", checklist(code, TC09=("Có", None)), XLSX)
    uploader.upload("cu-lan-nua.xlsx", before, XLSX)
    uploader.upload("sai.xlsx", checklist("00008", day=None), XLSX)
    at.run()
    assert not at.exception
    assert "**4 tệp**: 2 sẵn sàng nhập, 1 đã nhập trước đây, 1 có lỗi" in at.markdown[0].value
    assert verdicts(at) == [
        {
            "Tệp": "00070.xlsx",
            "Xã, phường": "Phường Hoàn Kiếm (00070)",
            "Ngày báo cáo": "15/11/2025",
            "Kết quả kiểm tra": "Sẵn sàng nhập",
            "Thay đổi": f"{GOOD_GREEN + 1} mới đạt, 0 không còn đạt",
        },
        {
            "Tệp": "00073.xlsx",
            "Xã, phường": "Phường Cửa Nam (00073)",
            "Ngày báo cáo": "15/11/2025",
            "Kết quả kiểm tra": "Sẵn sàng nhập",
            "Thay đổi": f"{GOOD_GREEN + 1} mới đạt, 0 không còn đạt",
        },
        {
            "Tệp": "cu-lan-nua.xlsx",
            "Xã, phường": "Phường Ba Đình (00004)",
            "Ngày báo cáo": "15/11/2025",
            "Kết quả kiểm tra": "Đã nhập trước đây",
            "Thay đổi": "–",
        },
        {
            "Tệp": "sai.xlsx",
            "Xã, phường": "Phường Ngọc Hà (00008)",
            "Ngày báo cáo": "–",  # a blank reads "–", so the column is sent as its text
            "Kết quả kiểm tra": "Có lỗi",
            "Thay đổi": "1 lỗi",
        },
    ]
    # The refused file's cell-level problems, open under the table, to fix and drop in again.
    (expander,) = at.expander
    assert expander.label == f"{ui.plain('sai.xlsx')} — 1 lỗi"  # Markdown: the name escaped, drawn as typed
    assert shown(expander.dataframe[0])[["Trang tính", "Ô"]].values.tolist() == [["Phiếu tự đánh giá", "C7"]]
    with db.session() as session:
        assert queries.data_version(session)[0] == 1  # checking stored nothing

    (confirm,) = at.button
    assert confirm.label == "Xác nhận nhập 2 tệp sẵn sàng"
    confirm.click().run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Đã nhập 2 tệp: {2 * (GOOD_GREEN + 1)} tiêu chí mới đạt")
    files, actions = archive_and_audit()
    assert files == [
        ("cu.xlsx", "accepted"),
        ("00070.xlsx", "accepted"),
        ("00073.xlsx", "accepted"),
        ("cu-lan-nua.xlsx", "duplicate"),
        ("sai.xlsx", "rejected"),
    ]
    assert actions.count("import.accepted") == 3 and actions.count("import.checked") == 2
    with db.session() as session:
        stored = session.execute(select(Submission.commune_code, Submission.review_status)).all()
    assert sorted(stored) == [("00004", "pending"), ("00070", "pending"), ("00073", "pending")]
    assert at.file_uploader[0].value == []


def test_a_fixed_file_dropped_in_again_in_place_of_the_bad_one_is_checked_once_and_imported(initialized):
    at = upload_page()
    bad, fixed = checklist("00073", TC03=(35, 30)), checklist("00073", TC03=(30, 30))
    at.file_uploader[0].set_value([("sai.xlsx", bad, XLSX), ("b.xlsx", checklist("00004"), XLSX)]).run()
    assert [row["Kết quả kiểm tra"] for row in verdicts(at)] == ["Có lỗi", "Sẵn sàng nhập"]
    # The bad file taken out and the fixed one dropped in: only the new file is checked (and archived).
    at.file_uploader[0].set_value([("da-sua.xlsx", fixed, XLSX)]).run()
    at.run()
    assert "Xem trước" in at.markdown[0].value
    assert archive_and_audit()[0] == [("sai.xlsx", "rejected"), ("b.xlsx", "checked"), ("da-sua.xlsx", "checked")]
    at.button[0].click().run()
    assert archive_and_audit()[0] == [("sai.xlsx", "rejected"), ("b.xlsx", "checked"), ("da-sua.xlsx", "accepted")]


def test_a_commune_account_gets_another_communes_file_refused_with_the_reason(initialized):
    staff = account(Role.COMMUNE, "00070")
    at = upload_page(staff)
    at.file_uploader[0].upload("cua-minh.xlsx", checklist("00070"), XLSX)
    at.file_uploader[0].upload("cua-xa-khac.xlsx", checklist("00073"), XLSX).run()
    assert [row["Kết quả kiểm tra"] for row in verdicts(at)] == ["Sẵn sàng nhập", "Có lỗi"]
    (expander,) = at.expander
    assert shown(expander.dataframe[0])["Lỗi và cách sửa"].tolist() == [
        f"Tài khoản {staff.name} chỉ được thao tác với xã/phường mã 00070, không được thao tác với mã 00073."
    ]
    at.button[0].click().run()
    with db.session() as session:
        assert session.scalars(select(Submission.commune_code)).all() == ["00070"]


def test_checking_and_confirming_tell_their_progress_file_by_file(initialized, monkeypatch):
    told = []
    monkeypatch.setattr(
        ui.ProgressBar, "__call__", lambda self, done, total, what: told.append((self.doing, done, total, what))
    )
    at = upload_page()
    at.file_uploader[0].set_value([("a.xlsx", checklist("00070"), XLSX), ("b.xlsx", checklist("00073"), XLSX)]).run()
    assert told == [("Đang kiểm tra", 1, 2, "a.xlsx"), ("Đang kiểm tra", 2, 2, "b.xlsx")]
    at.button[0].click().run()
    assert told[2:] == [("Đang nhập", 1, 2, "a.xlsx"), ("Đang nhập", 2, 2, "b.xlsx")]
