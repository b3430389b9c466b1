import streamlit as st

import ui
from readiness import db, excel, queries
from readiness.auth import Permission, allowed
from readiness.excel import Outcome
from readiness.i18n import Bilingual, format_date
from readiness.views import tables as views
from readiness.views.palette import STATUS_TINT

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
)
if allowed(actor, Permission.IMPORT_PROVINCE_WORKBOOK):
    ui.download(
        ui.t("Tải bảng tổng hợp toàn tỉnh (.xlsx)", "Download the province workbook (.xlsx)"),
        excel.province_workbook,
        ui.province(),
        file_name="bang-tong-hop.xlsx",
        mime=ui.XLSX,
        icon=":material/table_view:",
    )

st.subheader(ui.t("2. Tải phiếu đã điền lên", "2. Upload the filled checklist"))
done = st.session_state.pop("upload_done", None)
if done:
    (st.success if done[0] else st.warning)(done[1])
uploads = st.session_state.setdefault("upload_round", 0)
uploaded = st.file_uploader(ui.t("Chọn tệp .xlsx", "Choose an .xlsx file"), type=["xlsx"], key=f"upload_file_{uploads}")
if uploaded is None:
    st.stop()

# Checked, archived and audited once per file received (the page reruns on every click).
checked = st.session_state.get("upload_checked")
if checked is None or checked[0] != uploaded.file_id:
    (preview,) = excel.check_files([(uploaded.name, uploaded.getvalue())], actor)
    st.session_state["upload_checked"] = checked = (uploaded.file_id, preview)
preview = checked[1]
if preview.outcome == Outcome.REJECTED:
    st.error(
        ui.t(
            f"Tệp {ui.plain(preview.filename)} chưa nhập được: {len(preview.problems)} lỗi. "
            "Sửa các ô dưới đây rồi tải lên lại.",
            f"{ui.plain(preview.filename)} cannot be imported: {len(preview.problems)} problem(s). "
            "Fix these cells and upload it again.",
        )
    )
    problems = views.import_problems(preview.problems, ui.lang())
    # Rows tall enough for the longest message to wrap in full: the "how to fix" part is never cut.
    ui.table(problems, views.IMPORT_PROBLEMS, width="stretch", row_height=ui.wrapped_row_height(problems["message"]))
    st.stop()
if preview.outcome == Outcome.DUPLICATE:
    st.warning(
        ui.t(
            f"Tệp {ui.plain(preview.filename)} đã được nhập trước đây (giống hệt từng byte); không cần nhập lại.",
            f"{ui.plain(preview.filename)} was imported before (identical byte for byte); there is nothing to import.",
        )
    )
    st.stop()

with db.session() as session:
    context = excel.load_context(session)
preview_rows = views.import_preview(excel.describe(preview, context, ui.lang()), names, ui.lang())
spec = views.IMPORT_PREVIEW
if preview.kind == excel.Kind.CHECKLIST:
    spec = spec.without(["commune_name"])
# The status cell tinted as everywhere else (readiness.views.palette), the status said in words too.
tints = [STATUS_TINT.get(s, "") for s in preview_rows["status"]]
styled = preview_rows.style.apply(
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
ui.table(styled, spec, width="stretch", height=min(len(preview_rows) + 1, 20) * 35 + 3)
if st.button(ui.t("Xác nhận nhập", "Confirm import"), type="primary", icon=":material/check:"):
    try:
        outcome = excel.confirm(preview.archive_id, actor)
    except Bilingual as exc:
        ui.refusal(exc)
        st.stop()
    if outcome.outcome == Outcome.ACCEPTED:
        st.session_state["upload_done"] = (
            True,
            ui.t(
                f"Đã nhập {ui.plain(outcome.filename)}: {outcome.newly_green} tiêu chí mới đạt, "
                f"{outcome.no_longer_green} tiêu chí không còn đạt so với báo cáo trước. Báo cáo đang chờ Sở KH&CN "
                "duyệt; xem tình trạng và lý do (nếu bị trả lại) ở trang xã, phường.",
                f"Imported {ui.plain(outcome.filename)}: {outcome.newly_green} criteria newly green, "
                f"{outcome.no_longer_green} no longer green since the previous report. It is pending the DOST's "
                "review; its state (and the reason, if returned) shows on the commune page.",
            ),
        )
    else:  # imported meanwhile by someone else, or refused now
        st.session_state["upload_done"] = (
            False,
            ui.t(
                f"Tệp {ui.plain(outcome.filename)} không được nhập ({outcome.outcome}).",
                f"{ui.plain(outcome.filename)} was not imported ({outcome.outcome}).",
            ),
        )
    st.session_state["upload_round"] = uploads + 1
    del st.session_state["upload_checked"]
    st.rerun()
