import streamlit as st

import ui
from readiness import auth

actor = ui.logged_in()
st.title(ui.t("Tài khoản của tôi", "My account"))
ui.show_done()
commune = f" · {ui.t('xã/phường', 'commune')} {actor.commune_code}" if actor.commune_code else ""
st.write(f"**{actor.name}** · {ui.role_label(actor.role)}{commune}")

st.subheader(ui.t("Đổi mật khẩu", "Change password"))
with st.form("change_password", clear_on_submit=True, width=480):
    current = st.text_input(ui.t("Mật khẩu hiện tại", "Current password"), type="password")
    new = st.text_input(ui.t("Mật khẩu mới", "New password"), type="password", autocomplete="new-password")
    confirm = st.text_input(ui.t("Nhập lại mật khẩu mới", "Repeat the new password"), type="password")
    submitted = st.form_submit_button(ui.t("Đổi mật khẩu", "Change password"), type="primary")
if submitted:
    if new != confirm:
        st.error(ui.t("Hai mật khẩu mới không giống nhau.", "The two new passwords differ."))
    else:
        ui.attempt(
            lambda who: auth.change_password(who, current, new),
            done=ui.t("Đã đổi mật khẩu.", "Password changed."),
        )

st.divider()
if st.button(ui.t("Đăng xuất", "Log out"), icon=":material/logout:"):
    ui.log_out()
