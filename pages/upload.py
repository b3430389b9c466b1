import pandas as pd
import streamlit as st

import ui
from readiness.access.permissions import Permission, allowed
from readiness.core import db
from readiness.core.criteria import criteria
from readiness.core.i18n import Bilingual, format_date, today
from readiness.core.settings import get_settings
from readiness.intake import excel
from readiness.intake.excel import Outcome, webform
from readiness.intake.excel.template import requirement
from readiness.outputs.views import tables as views
from readiness.outputs.views.palette import STATUS_TINT
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

st.subheader(ui.t("2. Nộp phiếu đã điền", "2. Send the filled checklist"))
done = st.session_state.pop("upload_done", None)
if done:
    (st.success if done[0] else st.warning)(done[1])
uploads = st.session_state.setdefault("upload_round", 0)
by_form = (
    st.segmented_control(
        ui.t("Cách nộp", "How"),
        ["file", "form"],
        default="file",
        format_func=lambda way: (
            ui.t("Tải tệp Excel lên", "Upload the Excel file")
            if way == "file"
            else ui.t("Nhập trên web", "Fill it in here")
        ),
        key="upload_way",
    )
    == "form"
)

if not by_form:
    uploaded = st.file_uploader(
        ui.t("Chọn tệp .xlsx", "Choose an .xlsx file"),
        type=["xlsx"],
        max_upload_size=get_settings().upload_limit_mb,
        key=f"upload_file_{uploads}",
    )
    if uploaded is None:
        st.stop()
    # Checked, archived and audited once per file received (the page reruns on every click).
    checked = st.session_state.get("upload_checked")
    if checked is None or checked[0] != uploaded.file_id:
        (preview,) = excel.check_files([(uploaded.name, uploaded.getvalue())], actor)
        st.session_state["upload_checked"] = checked = (uploaded.file_id, preview)
else:
    # The same criteria and columns as the checklist, typed the same way ("Có", "1.234,5", "95%").
    with db.session() as session:
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
sent_vi, sent_en = (
    ("Phiếu nhập trên web", "The web form")
    if by_form
    else (f"Tệp {ui.plain(preview.filename)}", ui.plain(preview.filename))
)
if preview.outcome == Outcome.REJECTED:
    st.error(
        ui.t(
            f"{sent_vi} chưa nhập được: {len(preview.problems)} lỗi. Sửa các ô dưới đây rồi "
            + ("bấm Kiểm tra lại." if by_form else "tải lên lại."),
            f"{sent_en} cannot be imported: {len(preview.problems)} problem(s). Fix these cells and "
            + ("check it again." if by_form else "upload it again."),
        )
    )
    problems = views.import_problems(preview.problems, ui.lang())
    # Rows tall enough for the longest message to wrap in full: the "how to fix" part is never cut.
    ui.table(problems, views.IMPORT_PROBLEMS, width="stretch", row_height=ui.wrapped_row_height(problems["message"]))
    st.stop()
if preview.outcome == Outcome.DUPLICATE:
    st.warning(
        ui.t(
            f"{sent_vi} đã được nhập trước đây (giống hệt); không cần nhập lại.",
            f"{sent_en} was imported before (identical); there is nothing to import.",
        )
    )
    st.stop()

with db.session() as session:
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
st.markdown(
    ui.t(
        f"**Xem trước** — {where}, ngày báo cáo **{day}**: "
        f"{(preview_rows['status'] == 'green').sum()} đạt, {(preview_rows['status'] == 'red').sum()} chưa đạt, "
        f"{(preview_rows['status'] == 'grey').sum()} chưa báo cáo. Số liệu chưa được ghi.",
        f"**Preview** — {where}, reporting date **{day}**: "
        f"{(preview_rows['status'] == 'green').sum()} green, {(preview_rows['status'] == 'red').sum()} red, "
        f"{(preview_rows['status'] == 'grey').sum()} not reported. No figures have been stored yet.",
    )
)
# A checklist's rows all in view (35 px a row); a province workbook scrolls.
ui.table(preview_rows, spec, style=tinted, width="stretch", height=min(len(preview_rows) + 1, 20) * 35 + 3)
if st.button(ui.t("Xác nhận nhập", "Confirm import"), type="primary", icon=":material/check:", key="upload_confirm"):
    try:
        outcome = excel.confirm(preview.archive_id, actor)
    except Bilingual as exc:
        ui.refusal(exc)
        st.stop()
    if outcome.outcome == Outcome.ACCEPTED:
        st.session_state["upload_done"] = (
            True,
            ui.t(
                f"Đã nhập {'phiếu nhập trên web' if by_form else ui.plain(outcome.filename)}: "
                f"{outcome.newly_green} tiêu chí mới đạt, "
                f"{outcome.no_longer_green} tiêu chí không còn đạt so với báo cáo trước. Báo cáo đang chờ Sở KH&CN "
                "duyệt; xem tình trạng và lý do (nếu bị trả lại) ở trang xã, phường.",
                f"Imported {'the web form' if by_form else ui.plain(outcome.filename)}: "
                f"{outcome.newly_green} criteria newly green, "
                f"{outcome.no_longer_green} no longer green since the previous report. It is pending the DOST's "
                "review; its state (and the reason, if returned) shows on the commune page.",
            ),
        )
    else:  # imported meanwhile by someone else, or refused now
        st.session_state["upload_done"] = (
            False,
            ui.t(
                f"{sent_vi} không được nhập ({outcome.outcome}).",
                f"{sent_en} was not imported ({outcome.outcome}).",
            ),
        )
    st.session_state["upload_round"] = uploads + 1
    del st.session_state["upload_checked"]
    ui.rerun_after_write()
