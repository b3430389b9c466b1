import streamlit as st

import ui
from readiness import export, queries
from readiness.i18n import kind_label, warning_reason
from readiness.settings import get_settings

ui.data_page("Danh sách cảnh báo", "Warning list")
lang = ui.lang()
warnings = ui.query(queries.warning_list, ui.as_of(), ui.province())
stale_after = get_settings().stale_after_days
st.caption(
    ui.t(
        "Xã, phường có tiêu chí chưa đạt đã quá hạn, hoặc chưa đạt đủ tiêu chí mà không báo cáo quá "
        f"{stale_after} ngày; nghiêm trọng nhất ở đầu.",
        f"Communes with red criteria past their deadline, or not fully green and silent for over {stale_after} "
        "days; most severe first.",
    )
)
if warnings.empty:
    st.success(ui.t("Tuần này không có xã, phường nào phải cảnh báo.", "No commune on the warning list this week."))
    st.stop()

criteria = int((warnings["green"] + warnings["red"] + warnings["grey"]).max())
overdue = int((warnings["overdue_count"] > 0).sum())
silent = int(warnings["stale"].sum())
left, middle, right = st.columns(3)
left.metric(ui.t("Xã, phường bị cảnh báo", "Communes on the list"), ui.number(len(warnings)), border=True)
middle.metric(ui.t("Có tiêu chí quá hạn", "With overdue criteria"), ui.number(overdue), border=True)
right.metric(
    ui.t(f"Không báo cáo quá {stale_after} ngày", f"Silent over {stale_after} days"), ui.number(silent), border=True
)

ui.download_export(
    ui.t("Tải danh sách cảnh báo (Excel)", "Download the warning list (Excel)"),
    export.warning_list_workbook,
    ui.as_of(),
    ui.province(),
    ui.lang(),
    file_name=f"canh-bao-{ui.as_of():%Y-%m-%d}.xlsx",
    mime=ui.XLSX,
)

table = warnings.assign(
    rank=range(1, len(warnings) + 1),
    reason=[warning_reason(row, lang) for row in warnings.itertuples()],
    kind_text=[kind_label(k, lang) for k in warnings["commune_kind"]],
    green_text=[f"{g}/{criteria}" for g in warnings["green"]],
    date_text=[ui.day(d) for d in warnings["reporting_date"]],
)
columns = ["rank", "commune_name", "kind_text", "reason", "green_text", "date_text"]
if ui.national():
    columns.insert(2, "province_name")
ui.commune_table(
    table,
    columns,
    {
        "rank": "#",
        "commune_name": ui.t("Xã, phường", "Commune"),
        "province_name": ui.t("Tỉnh, thành phố", "Province"),
        "kind_text": ui.t("Loại", "Kind"),
        "reason": st.column_config.TextColumn(ui.t("Lý do cảnh báo", "Why listed"), width="medium"),
        "green_text": ui.t("Tiêu chí đạt", "Criteria met"),
        "date_text": ui.t("Báo cáo gần nhất", "Last report"),
    },
    key="warning_communes",
)
