import streamlit as st

import ui
import web

st.title(ui.t("Đăng nhập", "Log in"))
ui.show_done()
refusal = st.session_state.get("login_refusal")
if refusal is not None:
    ui.refusal(refusal)

# A plain HTML form posting to the log-in route: only an HTTP response can set the HttpOnly session cookie.
st.html(web.login_form(ui.csrf_token(), ui.lang()))

if ui.sso_configured():
    st.divider()
    if not ui.sso_installed():
        st.warning(
            ui.t(
                'Đã cấu hình đăng nhập một lần nhưng chưa cài Authlib: pip install ".[auth]".',
                'Single sign-on is configured but Authlib is not installed: pip install ".[auth]".',
            )
        )
    elif st.user.get("is_logged_in", False):
        st.caption(
            ui.t("Bạn đang đăng nhập SSO với e-mail:", "You are signed in to SSO as:") + f" {st.user.get('email')}"
        )
        if st.button(ui.t("Đăng xuất khỏi SSO", "Sign out of SSO"), icon=":material/logout:"):
            st.logout()
    elif st.button(ui.t("Đăng nhập một lần (SSO)", "Single sign-on"), icon=":material/badge:"):
        st.login()
