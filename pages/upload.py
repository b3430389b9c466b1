import pandas as pd
import streamlit as st

import ui
from readiness.access.permissions import Permission, allowed
from readiness.core.criteria import criteria
from readiness.core.i18n import Bilingual, format_date, today
from readiness.core.settings import get_settings
from readiness.intake import excel
from readiness.intake.excel import Outcome, webform
from readiness.intake.excel.template import requirement
from readiness.outputs.views import tables as views
from readiness.outputs.views.palette import STATUS_TINT, VERDICT_TINT
from readiness.reading import queries

st.title(ui.t("Nộp phiếu tự đánh giá", "Upload a checklist"))
actor = ui.logged_in()
if not allowed(actor, Permission.IMPORT_CHECKLIST, actor.commune_code):
    st.info(ui.t("Tài khoản của bạn không có quyền nộp phiếu.", "Your account may not upload checklists."))
    st.stop()


st.subheader(ui.t("1. Tải phiếu về và điền", "1. Download the checklist and fill it in"))
communes = ui.query(queries.communes, ui.province())
names = dict(zip(communes["code"], communes["name"], strict=True))
codes = [actor.commune_code] if actor.commune_code else list(names)
left, right = st.columns([3, 2])
code = left.selectbox(
    ui.t("Xã/phường", "Commune"), codes, format_func=lambda c: f"{names.get(c, c)} ({c})", key="upload_commune"
)
prefill = right.checkbox(
    ui.t("Điền sẵn số liệu báo cáo gần nhất", "Pre-fill with the latest report"), value=True, key="upload_prefill"
)
ui.download(
    ui.t("Tải phiếu của xã/phường (.xlsx)", "Download the commune checklist (.xlsx)"),
    excel.commune_checklist,
    code,
    prefill=prefill,
    file_name=f"phieu-{code}.xlsx",
    mime=ui.XLSX,
    permission=Permission.IMPORT_CHECKLIST,
    commune_code=code,
)
if allowed(actor, Permission.IMPORT_PROVINCE_WORKBOOK):
    ui.download(
        ui.t("Tải bảng tổng hợp toàn tỉnh (.xlsx)", "Download the province workbook (.xlsx)"),
        excel.province_workbook,
        ui.province(),
        file_name="bang-tong-hop.xlsx",
        mime=ui.XLSX,
        icon=":material/table_view:",
        permission=Permission.IMPORT_PROVINCE_WORKBOOK,
    )


def preview_table(preview: excel.ImportOutcome) -> None:
    """What a checked file would store: its commune and day, each criterion's value and status, before and now."""
    with ui.session() as session:
        context = excel.load_context(session)
    preview_rows = views.import_preview(excel.describe(preview, context, ui.lang()), names, ui.lang())
    spec = views.IMPORT_PREVIEW
    if preview.kind == excel.Kind.CHECKLIST:
        spec = spec.without(["commune_name"])
    # The status cell tinted as everywhere else (readiness.outputs.views.palette), the status said in words too.
    tints = [STATUS_TINT.get(s, "") for s in preview_rows["status"]]

    def tinted(rows: pd.DataFrame) -> object:
        return rows.style.apply(
            lambda column: [f"background-color: {c}" if column.name == "status_text" else "" for c in tints]
        )

    where = (
        f"{names.get(preview.commune_code, preview.commune_code)} ({preview.commune_code})"
        if preview.commune_code
        else ui.t(f"{len(preview.communes)} xã/phường", f"{len(preview.communes)} communes")
    )
    day = format_date(preview.reporting_date, ui.lang())
    green, red, grey = ((preview_rows["status"] == s).sum() for s in ("green", "red", "grey"))
    st.markdown(
        ui.t(
            f"**Xem trước** {ui.plain(preview.filename)} — {where}, ngày báo cáo **{day}**: {green} đạt, "
            f"{red} chưa đạt, {grey} chưa báo cáo. Số liệu chưa được ghi.",
            f"**Preview** {ui.plain(preview.filename)} — {where}, reporting date **{day}**: {green} green, {red} red, "
            f"{grey} not reported. No figures have been stored yet.",
        )
    )
    # A checklist's rows all in view (35 px a row); a province workbook scrolls.
    ui.table(preview_rows, spec, style=tinted, width="stretch", height=min(len(preview_rows) + 1, 20) * 35 + 3)


def detail(outcome: excel.ImportOutcome, sent_vi: str, sent_en: str, again_vi: str, again_en: str) -> None:
    """One received file or form in full: its problems, or that it was imported before, or its preview."""
    if outcome.outcome == Outcome.REJECTED:
        st.error(
            ui.t(
                f"{sent_vi} chưa nhập được: {outcome.problem_count} lỗi. Sửa các ô dưới đây rồi {again_vi}",
                f"{sent_en} cannot be imported: {outcome.problem_count} problem(s). Fix these cells and {again_en}",
            )
        )
        ui.problems_table(outcome.problems, outcome.problem_count)
    elif outcome.outcome == Outcome.DUPLICATE:
        st.warning(
            ui.t(
                f"{sent_vi} đã được nhập trước đây (giống hệt); không cần nhập lại.",
                f"{sent_en} was imported before (identical); there is nothing to import.",
            )
        )
    else:
        preview_table(outcome)


def imported_text(outcomes: list[excel.ImportOutcome], what_vi: str, what_en: str) -> str:
    gained = sum(o.newly_green for o in outcomes)
    lost = sum(o.no_longer_green for o in outcomes)
    return ui.t(
        f"Đã nhập {what_vi}: {gained} tiêu chí mới đạt, {lost} tiêu chí không còn đạt so với báo cáo trước. "
        "Báo cáo đang chờ Sở KH&CN duyệt; xem tình trạng và lý do (nếu bị trả lại) ở trang xã, phường.",
        f"Imported {what_en}: {gained} criteria newly green, {lost} no longer green since the previous report. "
        "It is pending the DOST's review; its state (and the reason, if returned) shows on the commune page.",
    )


def confirm(archive_ids: list[int], what_vi: str, what_en: str) -> None:
    """Import the checked files, each whole or not at all, as the account logged in now; then a fresh uploader."""
    told = ui.ProgressBar("Đang nhập", "Importing")
    try:
        outcomes = excel.confirm_files(archive_ids, actor, told)
    except Bilingual as exc:
        ui.refusal(exc)
        st.stop()
    accepted = [o for o in outcomes if o.outcome == Outcome.ACCEPTED]
    others = [o for o in outcomes if o.outcome != Outcome.ACCEPTED]  # imported meanwhile, or refused now
    if accepted:
        st.session_state["upload_done"] = (True, imported_text(accepted, what_vi, what_en))
    if others:
        st.session_state["upload_not_done"] = ui.t(
            "Không được nhập: " + ", ".join(f"{ui.plain(o.filename)} ({o.outcome})" for o in others) + ".",
            "Not imported: " + ", ".join(f"{ui.plain(o.filename)} ({o.outcome})" for o in others) + ".",
        )
    st.session_state["upload_round"] = uploads + 1
    st.session_state.pop("upload_checked", None)
    st.session_state.pop("upload_verdicts", None)
    ui.rerun_after_write()


def rejected_list(rejected: list[excel.ImportOutcome], expanded: bool) -> None:
    """Each refused file with its cell-level problems, to fix and drop in again."""
    for outcome in rejected:
        # An expander's label is Markdown: the file name, the sender's text, is escaped.
        name = ui.plain(outcome.filename)
        label = ui.t(f"{name} — {outcome.problem_count} lỗi", f"{name} — {outcome.problem_count} problem(s)")
        with st.expander(label, icon=":material/error:", expanded=expanded):
            ui.problems_table(outcome.problems, outcome.problem_count)


def many_files(outcomes: list[excel.ImportOutcome]) -> None:
    """The verdict on every file dropped in: one row each, a file's detail on selection, one confirmation for all
    the ready ones."""
    if len(outcomes) == 1:
        (outcome,) = outcomes
        plain = ui.plain(outcome.filename)
        detail(outcome, f"Tệp {plain}", plain, "tải lên lại.", "upload it again.")
        if outcome.outcome == Outcome.CHECKED:
            confirm_button([outcome])
        return
    ready = [o for o in outcomes if o.outcome == Outcome.CHECKED]
    rejected = [o for o in outcomes if o.outcome == Outcome.REJECTED]
    duplicates = len(outcomes) - len(ready) - len(rejected)
    st.markdown(
        ui.t(
            f"**{len(outcomes)} tệp**: {len(ready)} sẵn sàng nhập, {duplicates} đã nhập trước đây, "
            f"{len(rejected)} có lỗi. Chọn một dòng để xem chi tiết. Số liệu chưa được ghi.",
            f"**{len(outcomes)} files**: {len(ready)} ready, {duplicates} duplicate, {len(rejected)} with problems. "
            "Select a row for its detail. No figures have been stored yet.",
        )
    )
    rows = views.import_verdicts(outcomes, names, ui.lang())
    tints = [VERDICT_TINT[v] for v in rows["verdict"]]
    picked = ui.table(
        rows,
        views.IMPORT_VERDICTS,
        style=lambda sent: sent.style.apply(
            lambda column: [f"background-color: {c}" if column.name == "verdict_text" else "" for c in tints]
        ),
        width="stretch",
        height=min(len(rows) + 1, 15) * 35 + 3,
        on_select="rerun",
        selection_mode="single-row",
        key=f"upload_verdicts_{uploads}",
    )
    if picked.selection.rows:
        chosen = outcomes[picked.selection.rows[0]]
        plain = ui.plain(chosen.filename)
        detail(chosen, f"Tệp {plain}", plain, "tải lên lại.", "upload it again.")
    elif rejected:
        st.error(
            ui.t(
                f"{len(rejected)} tệp chưa nhập được. Sửa các ô được nêu, bỏ tệp cũ khỏi danh sách (dấu ×) và tải "
                "tệp đã sửa lên lại; các tệp sẵn sàng vẫn nhập được ngay.",
                f"{len(rejected)} file(s) cannot be imported. Fix the cells listed, remove the old file from the "
                "list (×) and drop the fixed one in again; the ready files can be imported now.",
            )
        )
        rejected_list(rejected, expanded=len(rejected) == 1)
    if ready:
        confirm_button(ready)


def confirm_button(ready: list[excel.ImportOutcome]) -> None:
    if len(ready) == 1:
        label = ui.t("Xác nhận nhập", "Confirm import")
        what_vi = what_en = ui.plain(ready[0].filename)
    else:
        label = ui.t(f"Xác nhận nhập {len(ready)} tệp sẵn sàng", f"Confirm import of the {len(ready)} ready files")
        what_vi, what_en = f"{len(ready)} tệp", f"{len(ready)} files"
    if st.button(label, type="primary", icon=":material/check:", key="upload_confirm"):
        confirm([o.archive_id for o in ready], what_vi, what_en)


st.subheader(ui.t("2. Nộp phiếu đã điền", "2. Send the filled checklist"))
done = st.session_state.pop("upload_done", None)
if done:
    (st.success if done[0] else st.warning)(done[1])
if not_done := st.session_state.pop("upload_not_done", None):
    st.warning(not_done)
uploads = st.session_state.setdefault("upload_round", 0)
by_form = (
    st.segmented_control(
        ui.t("Cách nộp", "How"),
        ["file", "form"],
        default="file",
        format_func=lambda way: (
            ui.t("Tải tệp Excel lên", "Upload the Excel files")
            if way == "file"
            else ui.t("Nhập trên web", "Fill it in here")
        ),
        key="upload_way",
    )
    == "form"
)

if not by_form:
    uploaded = st.file_uploader(
        ui.t("Chọn một hoặc nhiều tệp .xlsx", "Choose one or more .xlsx files"),
        type=["xlsx"],
        accept_multiple_files=True,
        max_upload_size=get_settings().upload_limit_mb,
        key=f"upload_file_{uploads}",
    )
    if not uploaded:
        st.stop()
    # Each file is checked, archived and audited once, when it arrives (the page reruns on every click); only its
    # verdict is kept, keyed by the uploader's file id, never the parsed workbook. A file taken out is forgotten.
    known = st.session_state.get("upload_verdicts", {})
    verdicts = {f.file_id: known[f.file_id] for f in uploaded if f.file_id in known}
    arriving = [f for f in uploaded if f.file_id not in verdicts]
    if arriving:
        told = ui.ProgressBar("Đang kiểm tra", "Checking")
        checked = excel.check_files([(f.name, f.getvalue()) for f in arriving], actor, told)
        verdicts.update(zip((f.file_id for f in arriving), checked, strict=True))
        told.clear()
    st.session_state["upload_verdicts"] = verdicts
    many_files(list(verdicts.values()))
else:
    # The same criteria and columns as the checklist, typed the same way ("Có", "1.234,5", "95%").
    with ui.session() as session:
        form = webform.prefill(session, code)
        catalog = {c.code: c for c in criteria(session)}
    editor_key = f"webform_{code}_{uploads}"
    with st.form(f"webform_{code}", border=False):
        left, middle, right = st.columns(3)
        day = left.date_input(
            ui.t("Ngày báo cáo", "Reporting date"),
            value=form.reporting_date,
            min_value=get_settings().start_date,
            max_value=today(),
            format="DD/MM/YYYY",
            key=f"{editor_key}_day",
        )
        reporter_name = middle.text_input(
            ui.t("Người báo cáo", "Reporter"), value=form.reporter_name, key=f"{editor_key}_name"
        )
        reporter_phone = right.text_input(
            ui.t("Số điện thoại", "Phone"), value=form.reporter_phone, key=f"{editor_key}_phone"
        )
        typed = pd.DataFrame(
            {
                "code": [row.criterion_code for row in form.rows],
                "name": [ui.t(catalog[r.criterion_code].name_vi, catalog[r.criterion_code].name_en) for r in form.rows],
                # What is asked, without the deadline line, to fit the table.
                "requirement": [requirement(catalog[row.criterion_code]).split("\n")[0] for row in form.rows],
                "value": [row.value for row in form.rows],
                "out_of": [row.out_of for row in form.rows],
                "evidence": [row.evidence for row in form.rows],
                "note": [row.note for row in form.rows],
            }
        )
        edited = st.data_editor(
            typed,
            key=editor_key,
            hide_index=True,
            width="stretch",
            height=(len(typed) + 1) * 35 + 3,
            disabled=["code", "name", "requirement"],
            column_config={
                "code": st.column_config.TextColumn(ui.t("Mã", "Code"), width=60),
                "name": st.column_config.TextColumn(ui.t("Tiêu chí", "Criterion"), width=340),
                "requirement": st.column_config.TextColumn(ui.t("Yêu cầu", "Target"), width=120),
                "value": st.column_config.TextColumn(
                    ui.t("Giá trị", "Value"),
                    width=80,
                    help=ui.t("Có/Không, một số, hoặc tỷ lệ như 95%", "Có/Không, a number or a share such as 95%"),
                ),
                "out_of": st.column_config.TextColumn(ui.t("Trên tổng số", "Out of"), width=100),
                "evidence": st.column_config.TextColumn(ui.t("Minh chứng", "Evidence"), width=160),
                "note": st.column_config.TextColumn(ui.t("Ghi chú", "Note"), width=120),
            },
        )
        sent = st.form_submit_button(ui.t("Kiểm tra", "Check"), icon=":material/fact_check:", key=f"{editor_key}_check")
    if sent:
        entry = webform.WebForm(
            code,
            day,
            reporter_name,
            reporter_phone,
            [
                webform.FormRow(*(str(v) if v is not None and v == v else "" for v in row))
                for row in edited[["code", "value", "out_of", "evidence", "note"]].itertuples(index=False)
            ],
        )
        st.session_state["upload_checked"] = (editor_key, excel.check_form(entry, actor))
    checked = st.session_state.get("upload_checked")
    if checked is None or checked[0] != editor_key:
        st.stop()

    preview = checked[1]
    detail(preview, "Phiếu nhập trên web", "The web form", "bấm Kiểm tra lại.", "check it again.")
    if preview.outcome == Outcome.CHECKED and st.button(
        ui.t("Xác nhận nhập", "Confirm import"), type="primary", icon=":material/check:", key="upload_confirm"
    ):
        confirm([preview.archive_id], "phiếu nhập trên web", "the web form")
