import streamlit as st

import ui
from readiness.core import registry
from readiness.outputs import province_settings

actor = ui.logged_in()
st.title(ui.t("Tỉnh, thành phố", "Provinces"))
st.caption(
    ui.t(
        "Tiêu đề báo cáo hành chính và người nhận danh sách cảnh báo của từng tỉnh, thành phố. Để trống: dùng giá trị "
        "mặc định (READINESS_REPORT_*).",
        "Each province's official report header and warning-list recipients. Left empty: the defaults "
        "(READINESS_REPORT_*).",
    )
)
ui.show_done()
names = {p.code: p.name for p in registry.provinces()}
with ui.session() as session:
    stored = province_settings.listing(session, actor).set_index("province_code")
codes = [actor.province] if actor.province else list(names)
code = st.selectbox(ui.t("Tỉnh, thành phố", "Province"), codes, format_func=lambda c: f"{c} · {names[c]}")
current = stored.loc[code] if code in stored.index else None
labels = {
    "issuing_body": ui.t("Cơ quan ban hành", "Issuing body"),
    "issuer_code": ui.t("Chữ viết tắt trong số ký hiệu (BC-…)", "Abbreviation in the document symbol (BC-…)"),
    "place": ui.t("Địa danh", "Place"),
    "signer_title": ui.t("Chức vụ người ký (dấu ; xuống dòng)", "Signer's title (; starts a new line)"),
    "signer_name": ui.t("Họ tên người ký", "Signer's name"),
    "recipients": ui.t("Người nhận danh sách cảnh báo (e-mail, cách nhau dấu phẩy)", "Warning-list recipients"),
}
with st.form(f"province_{code}"):
    values = {
        key: st.text_input(label, value="" if current is None else current[key], key=f"{key}_{code}")
        for key, label in labels.items()
    }
    if st.form_submit_button(ui.t("Lưu", "Save"), type="primary"):
        ui.act(
            lambda session, who: province_settings.save(session, who, code, **values),
            done=ui.t(f"Đã lưu {names[code]}.", f"{names[code]} saved."),
        )
header = province_settings.header(code)
st.caption(
    ui.t("Báo cáo sẽ ghi: ", "The report will read: ")
    + f"{header.issuing_body} · BC-{header.issuer_code} · {header.place or names[code]} · "
    + f"{header.signer_title} {header.signer_name}"
)
