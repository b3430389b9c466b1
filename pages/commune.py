import pandas as pd
import streamlit as st

import ui
from readiness.access.permissions import Permission, allowed
from readiness.core.i18n import format_count, kind_label
from readiness.core.scoring import Status
from readiness.intake import comments, evidence, excel
from readiness.outputs import charts, report
from readiness.outputs.views import records
from readiness.outputs.views import tables as views
from readiness.reading import queries

actor = ui.logged_in()
st.title(ui.t("Trang xã, phường", "Commune page"))
ui.show_done()
if not ui.has_submissions():
    ui.empty_state()
lang = ui.lang()
communes = ui.query(queries.communes, ui.province())
if actor.commune_code:
    communes = communes[communes["code"] == actor.commune_code]
names = dict(zip(communes["code"], communes["name"], strict=True))
wanted = st.query_params.get("commune") or st.session_state.get("commune")
code = st.selectbox(
    ui.t("Xã, phường", "Commune"),
    list(names),
    index=list(names).index(wanted) if wanted in names else 0,
    format_func=lambda c: f"{names[c]} ({c})",
)
st.session_state["commune"] = code
st.query_params["commune"] = code
if not allowed(actor, Permission.VIEW_COMMUNE, code):
    st.error(ui.t("Bạn không có quyền xem xã, phường này.", "You may not view this commune."))
    st.stop()

# Rows of the province's status frame, which the other pages share (one frame per as-of date, not one per commune).
status = queries.commune_rows(ui.status_frame(communes.set_index("code").at[code, "province_code"]), code)
first = status.iloc[0]
st.header(first["commune_name"])
st.caption(
    f"{kind_label(first['commune_kind'], lang)} · {first['province_name']} · {ui.t('mã', 'code')} {code} · "
    + ui.t(f"số liệu tính đến ngày {ui.day(ui.as_of())}", f"figures as of {ui.day(ui.as_of())}")
)
criteria = ui.criteria()
green = int((status["status"] == Status.GREEN).sum())
reported = first["reporting_date"]
left, middle, right = st.columns(3)
left.metric(ui.t("Tiêu chí đạt", "Criteria met"), format_count(green, criteria, lang), border=True)
middle.metric(ui.t("Chưa đạt", "Not met"), ui.number((status["status"] == Status.RED).sum()), border=True)
right.metric(ui.t("Báo cáo gần nhất", "Last report"), ui.day(reported) if reported == reported else "–", border=True)
if first["review_status"] == "pending":
    st.caption(
        ui.t(
            ":material/pending: Số liệu trên lấy từ báo cáo đang chờ Sở KH&CN duyệt.",
            ":material/pending: These figures come from a submission pending the DOST's review.",
        )
    )
history = ui.query(queries.commune_submissions, ui.as_of(), code)
newest = history.iloc[0] if not history.empty else None
if newest is not None and newest["review_status"] == "returned":
    concerned = f" ({newest['review_criteria']})" if newest["review_criteria"] else ""
    st.warning(
        ui.t(
            f"Báo cáo ngày {ui.day(newest['reporting_date'])} đã bị Sở KH&CN trả lại{concerned}: "
            f"{ui.plain(newest['review_reason'])} — hãy sửa và gửi báo cáo mới.",
            f"The DOST returned the submission of {ui.day(newest['reporting_date'])}{concerned}: "
            f"{ui.plain(newest['review_reason'])} — correct it and send a new one.",
        ),
        icon=":material/undo:",
    )
if reported != reported:
    st.info(
        ui.t(
            "Xã, phường này chưa gửi báo cáo nào đến ngày đã chọn: mọi tiêu chí ở trạng thái chưa báo cáo.",
            "This commune has sent no report up to the chosen date: every criterion is not reported.",
        )
    )

left, right = st.columns(2)
with left:
    ui.download(
        ui.t("Tải phiếu điền sẵn số liệu gần nhất (.xlsx)", "Download the checklist pre-filled (.xlsx)"),
        excel.commune_checklist,
        code,
        file_name=f"phieu-{code}.xlsx",
        mime=ui.XLSX,
        icon=":material/edit_document:",
        permission=Permission.VIEW_COMMUNE,
        commune_code=code,
    )
with right:
    ui.download_export(
        ui.t("Tải phiếu PDF của xã, phường", "Download the commune's PDF sheet"),
        report.commune_report,
        code,
        ui.as_of(),
        lang,
        file_name=f"xa-{code}-{ui.as_of():%Y-%m-%d}.pdf",
        mime=ui.PDF,
    )

timely = ui.query(queries.timeliness, ui.as_of(), ui.province(), code)
st.subheader(ui.t("Các tiêu chí", "Criteria"))
ui.table(views.commune_sheet(status, timely, lang), views.COMMUNE_SHEET, height="content")

st.subheader(ui.t("Tiến độ của xã, phường", "The commune's progress"))
trend = ui.query(queries.commune_trend, ui.as_of(), code)
if trend.empty:
    st.caption(ui.t("Chưa có báo cáo.", "No reports yet."))
else:
    ui.chart(charts.commune_trend_chart(trend, lang, criteria))

st.subheader(ui.t("Lịch sử báo cáo", "Submission history"))
if history.empty:
    st.caption(ui.t("Chưa có báo cáo.", "No reports yet."))
else:
    ui.table(records.submission_history(history, criteria, lang), records.SUBMISSION_HISTORY)
    st.caption(
        ui.t(
            "Khi một ngày có nhiều báo cáo, báo cáo nhận sau cùng được dùng; các báo cáo trước đó bị thay thế. "
            "Báo cáo bị trả lại không được tính: xã, phường sửa bằng cách gửi báo cáo mới.",
            "When a date has several submissions the one received last counts; earlier ones are superseded. "
            "A returned submission does not count: the commune corrects it by sending a newer one.",
        )
    )

st.subheader(ui.t("Tệp minh chứng", "Evidence files"))
with ui.session() as session:
    files = evidence.files(session, actor, code)
ui.evidence_files(files, key="commune")
if allowed(actor, Permission.ATTACH_EVIDENCE, code):
    limit = evidence.limit_mb()
    with st.form("evidence_form", clear_on_submit=True):
        left, right = st.columns([1, 2])
        criterion_names = dict(zip(status["criterion_code"], status[f"name_{lang}"], strict=True))
        criterion = left.selectbox(
            ui.t("Tiêu chí", "Criterion"),
            list(criterion_names),
            format_func=lambda c: f"{c} · {criterion_names[c]}",
        )
        upload = right.file_uploader(
            ui.t(f"Tệp PDF, JPEG hoặc PNG (tối đa {limit} MB)", f"PDF, JPEG or PNG file (at most {limit} MB)"),
            type=["pdf", "jpg", "jpeg", "png"],
            max_upload_size=limit,  # the drop zone then says the same limit as the label
        )
        attach = st.form_submit_button(ui.t("Đính kèm", "Attach"), icon=":material/attach_file:")
        if attach and upload is None:
            st.error(ui.t("Hãy chọn một tệp trước khi bấm Đính kèm.", "Choose a file before pressing Attach."))
        elif attach:
            ui.act(
                evidence.add,
                code,
                criterion,
                upload.name,
                upload.getvalue(),
                done=ui.t(f"Đã đính kèm {ui.plain(upload.name)}.", f"{ui.plain(upload.name)} attached."),
            )

st.subheader(ui.t("Trao đổi với Sở KH&CN", "Messages with the DOST"))


def _about(message: object) -> str:
    """What a commune's message is about: its submission and criterion, if any."""
    submission = (
        ui.t(f"báo cáo số {int(message.submission_id)}", f"submission {int(message.submission_id)}")
        if pd.notna(message.submission_id)
        else ""
    )
    return " · ".join(part for part in (submission, message.criterion_code) if part)


ui.messages(lambda session, who, newest: comments.thread(session, who, code, newest), _about, "messages", code)
if allowed(actor, Permission.COMMENT, code):
    with st.form("comment_form", clear_on_submit=True):
        text = st.text_area(ui.t("Viết trao đổi", "Write a message"))
        left, right = st.columns(2)
        recent = history.head(20)
        reported_on = dict(zip(recent["id"].astype(int), recent["reporting_date"], strict=True))
        about_submission = left.selectbox(
            ui.t("Về báo cáo (không bắt buộc)", "About a submission (optional)"),
            [None, *reported_on],
            format_func=lambda i: (
                ui.t("Chung", "General")
                if i is None
                else ui.t(f"số {i}, ngày ", f"no. {i}, of ") + ui.day(reported_on[i])
            ),
        )
        about_criterion = right.selectbox(
            ui.t("Về tiêu chí (không bắt buộc)", "About a criterion (optional)"),
            [None, *status["criterion_code"]],
            format_func=lambda c: ui.t("Chung", "General") if c is None else c,
        )
        if st.form_submit_button(ui.t("Gửi", "Send"), icon=":material/send:"):
            ui.act(
                comments.add,
                code,
                text,
                about_submission,
                about_criterion,
                done=ui.t("Đã gửi trao đổi.", "Message sent."),
            )
