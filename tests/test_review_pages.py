"""The review queue page, and the commune page's review states, evidence and messages, in AppTest."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import account, log_in
from excel_fill import checklist
from streamlit.testing.v1 import AppTest
from test_review import PDF_BYTES, PNG_BYTES

import ui
from readiness.core import db
from readiness.core.models import Role, Submission
from readiness.intake import comments, evidence, excel
from readiness.reading import queries

pytestmark = pytest.mark.page

APP = str(Path(__file__).resolve().parent.parent / "app.py")
AS_OF = date(2025, 11, 15)


@pytest.fixture(autouse=True)
def _fresh_caches():
    ui.clear_cache()


def _page(page: str, role: Role, commune: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(role, commune))
    at.session_state["as_of"] = AS_OF
    at.run()
    at.switch_page(page)
    if commune or page == "pages/commune.py":
        at.query_params["commune"] = commune or "00070"
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(**changes: tuple) -> int:
    lan = account(Role.COMMUNE, "00070")
    (outcome,) = excel.import_files([("phieu.xlsx", checklist(**changes))], lan)
    assert outcome.outcome == "accepted"
    return outcome.submission_ids[0]


def _review_status(submission_id: int) -> tuple[str, str]:
    with db.session() as session:
        row = session.get(Submission, submission_id)
        return row.review_status, row.review_reason


def test_the_queue_shows_what_changed_and_the_evidence_then_returns_and_approves(initialized):
    first = _upload(TC09=("Không", None))
    lan = account(Role.COMMUNE, "00070")
    with db.write_session() as session:
        evidence.add(session, lan, "00070", "TC01", "quyet-dinh.pdf", PDF_BYTES)
        evidence.add(session, lan, "00070", "TC02", "anh.png", PNG_BYTES)
    officer_page = _page("pages/review.py", Role.OFFICER)
    assert officer_page.title[0].value == "Duyệt báo cáo"
    [expander] = officer_page.expander
    assert expander.label.startswith("Phường Hoàn Kiếm (00070) · ngày báo cáo 15/11/2025 · Phiếu tải lên")
    assert "mới đạt" in officer_page.markdown[0].value
    changes = officer_page.dataframe[0].value
    assert changes.set_index("criterion_code").loc["TC01", "change_text"] == "Mới đạt"
    assert changes.set_index("criterion_code").loc["TC09", "status_text"] == "Chưa báo cáo → Chưa đạt"
    assert len(officer_page.get("image")) == 1  # the PNG inline
    assert [b.proto.label for b in officer_page.get("download_button")].count("Tải tệp") == 2
    assert any(t.value.startswith("TC01 · quyet-dinh.pdf") for t in officer_page.text)

    officer_page.button(key=f"FormSubmitter:return_{first}-Trả lại").click().run()
    assert "Cần ghi lý do" in officer_page.error[0].value
    assert _review_status(first) == ("pending", "")
    officer_page.text_area(key=f"reason_{first}").input("Thiếu quyết định bổ nhiệm")
    officer_page.multiselect(key=f"criteria_{first}").select("TC09")
    officer_page.button(key=f"FormSubmitter:return_{first}-Trả lại").click().run()
    assert not officer_page.exception
    assert _review_status(first) == ("returned", "Thiếu quyết định bổ nhiệm")
    assert officer_page.success[0].value == f"Đã trả lại báo cáo số {first} cho xã, phường."

    commune_page = _page("pages/commune.py", Role.COMMUNE, "00070")
    assert commune_page.warning[0].value.startswith(
        "Báo cáo ngày 15/11/2025 đã bị Sở KH&CN trả lại (TC09): Thiếu quyết định bổ nhiệm"
    )
    history = commune_page.dataframe[1].value
    assert history[["review_text", "reason_text", "state_text"]].values.tolist() == [
        ["Trả lại", "Thiếu quyết định bổ nhiệm (TC09)", "Không được tính"]
    ]
    files = [t.value for t in commune_page.text if "quyet-dinh.pdf" in t.value]
    assert files and files[0].startswith("TC01 · quyet-dinh.pdf")

    corrected = _upload(TC09=("Có", None))
    officer_page = _page("pages/review.py", Role.OFFICER)
    officer_page.button(key=f"approve_{corrected}").click().run()
    assert _review_status(corrected) == ("approved", "")
    assert officer_page.success[0].value == f"Đã duyệt báo cáo số {corrected}."
    assert officer_page.success[1].value == "Không có báo cáo nào chờ duyệt."


@pytest.mark.parametrize(("role", "commune"), [(Role.LEADER, None), (Role.COMMUNE, "00070")])
def test_only_officers_and_admins_get_the_queue_page(initialized, role, commune):
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(role, commune))
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/review.py")


def test_the_overview_shows_the_queue_and_how_much_is_pending(demo_sqlite):
    _upload()
    at = _page("pages/overview.py", Role.OFFICER)
    [info] = [i.value for i in at.info]
    assert info.startswith("1 báo cáo chờ duyệt, báo cáo cũ nhất đã chờ 0 ngày (đã được tính vào số liệu)")
    with db.session() as session:
        kpis = queries.kpis(session, AS_OF, "01")
    assert kpis["pending_communes"] == 1
    assert any("chờ duyệt của 1/126 xã, phường" in c.value for c in at.caption)
    heatmap = _page("pages/heatmap.py", Role.OFFICER)
    assert any("chờ duyệt của 1/126 xã, phường (trong đó 0" in c.value for c in heatmap.caption)
    warnings = _page("pages/warnings.py", Role.OFFICER)
    assert any("chờ duyệt của 1/126 xã, phường" in c.value for c in warnings.caption)


def test_a_commune_writes_and_reads_its_thread_on_its_page(initialized):
    officer = account(Role.OFFICER)
    with db.write_session() as session:
        comments.add(session, officer, "00070", "Xin bổ sung hợp đồng cáp quang", criterion_code="TC02")
    at = _page("pages/commune.py", Role.COMMUNE, "00070")
    at.text_area[0].input("Đã bổ sung, xin cảm ơn")
    at.button(key="FormSubmitter:comment_form-Gửi").click().run()
    assert not at.exception
    assert at.success[0].value == "Đã gửi trao đổi."
    leader = account(Role.LEADER)
    with db.session() as session:
        thread, _ = comments.thread(session, leader, "00070")
    assert thread["text"].tolist() == ["Xin bổ sung hợp đồng cáp quang", "Đã bổ sung, xin cảm ơn"]
    assert [t.value for t in at.text][-2:] == ["Xin bổ sung hợp đồng cáp quang", "Đã bổ sung, xin cảm ơn"]


def test_a_commune_attaches_evidence_on_its_page_and_a_bad_file_is_refused(initialized):
    at = _page("pages/commune.py", Role.COMMUNE, "00070")
    at.file_uploader[0].upload("quyet-dinh.pdf", b"this is not a PDF", "application/pdf")
    at.button(key="FormSubmitter:evidence_form-Đính kèm").click().run()
    assert not at.exception
    assert ui.plain("quyet-dinh.pdf không phải PDF, JPEG hay PNG") in at.error[0].value
    lan = account(Role.COMMUNE, "00070")
    with db.session() as session:
        assert evidence.files(session, lan, "00070").empty
    at.file_uploader[0].upload("quyet-dinh.pdf", PDF_BYTES, "application/pdf")
    at.button(key="FormSubmitter:evidence_form-Đính kèm").click().run()
    assert not at.exception
    assert at.success[0].value == f"Đã đính kèm {ui.plain('quyet-dinh.pdf')}."
    with db.session() as session:
        [row] = evidence.files(session, lan, "00070").itertuples()
    assert (row.criterion_code, row.filename, row.uploaded_by) == ("TC01", "quyet-dinh.pdf", lan.name)
    assert any(t.value.startswith("TC01 · quyet-dinh.pdf") for t in at.text)


def test_the_queue_shows_flags_filters_by_flag_hides_replaced_ones_and_approves_every_unflagged_one(initialized):
    from test_review_flags import FOURTEEN, GREEN, WEEK_1, WEEK_2, _send, _with_evidence

    for commune in ("00070", "00073"):
        _with_evidence("TC01", "TC05", "TC14", commune=commune)
    clean = _send(GREEN, WEEK_1)
    clean_too = _send({**GREEN, "TC02": 111}, WEEK_1, commune="00073")
    replaced = _send(FOURTEEN, WEEK_2, datetime(2025, 9, 8, 9, tzinfo=UTC))
    newer = _send({**FOURTEEN, "TC02": 125}, WEEK_2, datetime(2025, 9, 8, 10, tzinfo=UTC))

    page = _page("pages/review.py", Role.OFFICER)
    titles = [e.label for e in page.expander]
    assert len(titles) == 3 and ":material/flag: Tụt hạng" in titles[2] and ":material/flag:" not in titles[0]
    assert any(w.value.startswith("**Tụt hạng**: TC03 đạt ở báo cáo trước") for w in page.warning)
    page.multiselect(key="review_flags").select("regression").run()
    assert [e.label for e in page.expander] == [titles[2]]
    page.multiselect(key="review_flags").unselect("regression").run()
    page.toggle(key="review_superseded").set_value(True).run()
    assert len(page.expander) == 4
    assert any("Đã bị thay thế" in e.label for e in page.expander)
    keys = {b.key for b in page.button}
    assert f"approve_{replaced}" not in keys and f"approve_{newer}" in keys
    page.toggle(key="review_superseded").set_value(False).run()

    page.button(key="bulk_ask").click().run()
    assert page.button(key="bulk_ask").label == "Duyệt tất cả 2 báo cáo đang hiện không có cờ"
    assert page.warning[0].value.startswith(f"Duyệt 2 báo cáo không có cờ: {clean}, {clean_too}.")
    assert _review_status(clean)[0] == "pending"  # nothing happens before the confirmation
    page.button(key="bulk_confirm").click().run()
    assert not page.exception
    assert [_review_status(i)[0] for i in (clean, clean_too, replaced, newer)] == [
        "approved",
        "approved",
        "superseded",
        "pending",
    ]
    assert page.success[0].value == "Đã duyệt 2 báo cáo."
    history = _page("pages/commune.py", Role.COMMUNE, "00070").dataframe[1].value.set_index("id")
    assert history.loc[newer, "flags_text"] == "Tụt hạng" and history.loc[clean, "flags_text"] == ""
    assert history.loc[replaced, "flags_text"] == "Tụt hạng, Đã bị thay thế"
    assert history.loc[replaced, "review_text"] == "Đã bị thay thế"


def test_the_queue_shows_the_20_oldest_in_full_and_more_on_a_click(initialized):
    from test_review_flags import GREEN, WEEK_1, _send

    with db.session() as session:
        codes = queries.communes(session, "01")["code"].tolist()[:25]
    for i, code in enumerate(codes):
        _send({**GREEN, "TC02": 100 + i}, WEEK_1, commune=code)
    page = _page("pages/review.py", Role.OFFICER)
    assert len(page.expander) == 20
    more = page.button(key="review_more")
    assert more.label == "Xem thêm (đang hiện 20 báo cáo cũ nhất trong 25)"
    more.click().run()
    assert len(page.expander) == 25 and not [b for b in page.button if b.key == "review_more"]
