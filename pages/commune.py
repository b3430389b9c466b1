import streamlit as st

import ui
from readiness import charts, excel, queries, report
from readiness.auth import Permission, allowed
from readiness.i18n import format_count, format_datetime, kind_label
from readiness.scoring import Status
from readiness.views import tables as views

actor = ui.logged_in()
st.title(ui.t("Trang xã, phường", "Commune page"))
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

status = ui.query(queries.commune_status, ui.as_of(), code)
first = status.iloc[0]
st.header(first["commune_name"])
st.caption(
    f"{kind_label(first['commune_kind'], lang)} · {first['province_name']} · {ui.t('mã', 'code')} {code} · "
    + ui.t(f"số liệu tính đến ngày {ui.day(ui.as_of())}", f"figures as of {ui.day(ui.as_of())}")
)
criteria = len(status)
green = int((status["status"] == Status.GREEN).sum())
reported = first["reporting_date"]
left, middle, right = st.columns(3)
left.metric(ui.t("Tiêu chí đạt", "Criteria met"), format_count(green, criteria, lang), border=True)
middle.metric(ui.t("Chưa đạt", "Not met"), ui.number((status["status"] == Status.RED).sum()), border=True)
right.metric(ui.t("Báo cáo gần nhất", "Last report"), ui.day(reported) if reported == reported else "–", border=True)
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

st.subheader(ui.t("Các tiêu chí", "Criteria"))
ui.table(views.commune_sheet(status, lang), views.COMMUNE_SHEET, height="content")

st.subheader(ui.t("Tiến độ của xã, phường", "The commune's progress"))
trend = ui.query(queries.commune_trend, ui.as_of(), code)
if trend.empty:
    st.caption(ui.t("Chưa có báo cáo.", "No reports yet."))
else:
    ui.chart(charts.commune_trend_chart(trend, lang, criteria))

st.subheader(ui.t("Lịch sử báo cáo", "Submission history"))
history = ui.query(queries.commune_submissions, ui.as_of(), code)
if history.empty:
    st.caption(ui.t("Chưa có báo cáo.", "No reports yet."))
else:
    origins = {
        "upload": ui.t("Phiếu tải lên", "Uploaded checklist"),
        "province_workbook": ui.t("Bảng tổng hợp của tỉnh", "Province workbook"),
        "demo": ui.t("Dữ liệu mẫu", "Demo data"),
    }
    superseded = history["superseded"]
    st.dataframe(
        history.assign(
            date_text=[ui.day(d) for d in history["reporting_date"]],
            received_text=[format_datetime(r, lang) for r in history["received_at"]],
            origin_text=[origins.get(o, o) for o in history["origin"]],
            green_text=[format_count(g, criteria, lang) for g in history["green_count"]],
            state_text=[
                ui.t("Đã bị thay thế", "Superseded") if s else ui.t("Đang dùng", "Current")
                for s in history["superseded"]
            ],
        ),
        hide_index=True,
        column_order=[
            "date_text",
            "received_text",
            "origin_text",
            "received_from",
            "reporter_name",
            "green_text",
            "state_text",
        ],
        column_config={
            "date_text": ui.t("Ngày báo cáo", "Reporting date"),
            "received_text": ui.t("Nhận lúc", "Received"),
            "origin_text": ui.t("Nguồn", "Source"),
            "received_from": ui.t("Gửi từ", "Sent by"),
            "reporter_name": ui.t("Người báo cáo", "Reporter"),
            "green_text": ui.t("Tiêu chí đạt", "Criteria met"),
            "state_text": ui.t("Tình trạng", "State"),
        },
    )
    st.caption(
        ui.t(
            "Khi một ngày có nhiều báo cáo, báo cáo nhận sau cùng được dùng; các báo cáo trước đó bị thay thế.",
            "When a date has several submissions the one received last counts; earlier ones are superseded.",
        )
    )
