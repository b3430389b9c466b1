import streamlit as st

import ui
from readiness.access import audit
from readiness.core.i18n import today
from readiness.outputs.views import tables as views

actor = ui.logged_in()
st.title(ui.t("Nhật ký thay đổi", "Audit trail"))
st.caption(
    ui.t(
        "Mọi thay đổi: ai, khi nào, việc gì, tệp nào (SHA-256). Ứng dụng chỉ ghi thêm, không sửa hay xóa nhật ký.",
        "Every change: who, when, what, which file (SHA-256). The app only appends to this trail.",
    )
)
with ui.session() as session:
    actors, actions = audit.choices(session, actor)

every = ui.t("Tất cả", "All")
who_col, what_col, since_col, until_col = st.columns(4)
who = who_col.selectbox(ui.t("Người thực hiện", "Actor"), [None, *actors], format_func=lambda v: v or every)
what = what_col.selectbox(
    ui.t("Thao tác", "Action"),
    [None, *actions],
    format_func=lambda v: views.action_label(v, ui.lang()) if v else every,
)
since = since_col.date_input(ui.t("Từ ngày", "From"), value=None, max_value=today(), format="DD/MM/YYYY")
until = until_col.date_input(ui.t("Đến ngày", "To"), value=None, format="DD/MM/YYYY")

with ui.session() as session:
    events = audit.events(session, actor, who, what, since, until)
# What the page shows is what the downloads hold: the same frame, headers in the page's language.
table = views.audit_trail(events, ui.lang())
st.write(ui.t(f"{len(events)} sự kiện", f"{len(events)} events"))
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={table.columns[0]: st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm:ss")},
)
csv_col, xlsx_col = st.columns(2)
csv_col.download_button(
    ui.t("Tải CSV", "Download CSV"), audit.to_csv(table), "audit.csv", "text/csv", icon=":material/download:"
)
xlsx_col.download_button(
    ui.t("Tải Excel", "Download Excel"),
    audit.to_xlsx(table),
    "audit.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)
