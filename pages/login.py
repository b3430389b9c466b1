import streamlit as st

import ui
from readiness import auth

st.title(ui.t("Đăng nhập", "Log in"))
refusal = st.session_state.get("login_refusal")
if refusal is not None:
    st.error(refusal.message(ui.lang()))

with st.form("login", width=480):
    name = st.text_input(ui.t("Tên đăng nhập", "Account name"), autocomplete="username")
    password = st.text_input(ui.t("Mật khẩu", "Password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(ui.t("Đăng nhập", "Log in"), type="primary", icon=":material/login:")
if submitted:
    try:
        ui.log_in(auth.authenticate(name, password))
    except auth.AccountError as exc:
        st.error(exc.message(ui.lang()))

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
