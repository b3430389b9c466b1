import streamlit as st

import ui
from readiness.access import auth

st.title(ui.t("Thiết lập lần đầu", "First-run setup"))
st.info(
    ui.t(
        "Chưa có tài khoản nào. Hãy tạo tài khoản quản trị viên đầu tiên; trang này chỉ xuất hiện một lần, "
        "các tài khoản khác do quản trị viên tạo sau.",
        "There is no account yet. Create the first administrator; this page appears only once, "
        "and the administrator creates the other accounts afterwards.",
    ),
    icon=":material/key:",
)
with st.form("setup", width=480):
    name = st.text_input(ui.t("Tên đăng nhập của quản trị viên", "Administrator's account name"), value="admin")
    password = st.text_input(ui.t("Mật khẩu", "Password"), type="password", autocomplete="new-password")
    confirm = st.text_input(ui.t("Nhập lại mật khẩu", "Repeat the password"), type="password")
    submitted = st.form_submit_button(ui.t("Tạo quản trị viên", "Create the administrator"), type="primary")
if submitted:
    if password != confirm:
        st.error(ui.t("Hai mật khẩu không giống nhau.", "The two passwords differ."))
    else:
        try:
            admin = auth.first_admin(name, password)
        except auth.AccountError as exc:
            ui.refusal(exc)
        else:
            st.session_state["done"] = ui.t(
                f"Đã tạo quản trị viên {ui.plain(admin.name)}. Hãy đăng nhập.",
                f"Administrator {ui.plain(admin.name)} created. Please log in.",
            )
            st.rerun()
