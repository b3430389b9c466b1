import streamlit as st

import ui
from readiness import export, queries
from readiness.settings import get_settings
from readiness.views import tables as views

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

ui.commune_table(views.warning_list(warnings, lang), views.warning_table(ui.national()), "warning_communes")
