from typing import Any

import pandas as pd
import streamlit as st

import ui
from readiness.access import auth, permissions, sessions, tokens
from readiness.core.i18n import format_datetime

actor = ui.logged_in()
st.title(ui.t("Tài khoản của tôi", "My account"))
ui.show_done()
commune = f" · {ui.t('xã/phường', 'commune')} {actor.commune_code}" if actor.commune_code else ""
st.write(f"**{ui.plain(actor.name)}** · {ui.role_label(actor.role)}{commune}")

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

        def change(who: permissions.Actor | None) -> None:
            auth.change_password(who, current, new, client=ui.client_address())
            st.session_state.pop("actor", None)  # every session of the account has ended, this one too

        ui.act(
            change,
            done=ui.t("Đã đổi mật khẩu. Hãy đăng nhập lại.", "Password changed. Please log in again."),
            own_transactions=True,
        )

st.divider()
st.subheader(ui.t("Phiên đăng nhập", "Sessions"))
open_sessions = sessions.active(actor.name)
st.write(
    ui.t(
        f"Tài khoản đang đăng nhập ở {open_sessions} trình duyệt hoặc thiết bị.",
        f"The account is logged in on {open_sessions} browser(s) or device(s).",
    )
)
if st.button(ui.t("Đăng xuất khỏi mọi nơi", "Log out everywhere"), icon=":material/devices:"):

    def everywhere(session: Any, who: permissions.Actor | None) -> None:
        sessions.log_out_everywhere(session, who)
        st.session_state.pop("actor", None)

    ui.act(everywhere, done=ui.t("Đã đăng xuất khỏi mọi nơi.", "Logged out everywhere."))

st.divider()
st.subheader(ui.t("Khóa API", "API tokens"))
st.caption(
    ui.t(
        "Hệ thống khác đọc số liệu và gửi báo cáo qua API /api/v1 bằng khóa API, với quyền và phạm vi của tài khoản "
        "này. Khóa mới do quản trị viên tạo bằng lệnh `readiness token create`.",
        "Other systems read figures and send reports through the /api/v1 API with an API token, with this "
        "account's rights and scope. An admin makes new tokens with `readiness token create`.",
    )
)
with ui.session() as session:
    api_tokens = tokens.listing(session, actor, actor.name)
if api_tokens.empty:
    st.write(ui.t("Tài khoản chưa có khóa API nào.", "The account has no API token."))
for row in api_tokens.itertuples():
    left, right = st.columns([4, 1], vertical_alignment="center")
    never = pd.isna(row.expires_at)
    expires = ui.t("không hết hạn", "no expiry") if never else format_datetime(row.expires_at, ui.lang())
    left.write(
        f"**{ui.plain(row.label) or ui.t('Khóa', 'Token')} #{row.id}** · "
        + ui.t(f"tạo {format_datetime(row.created_at, 'vi')}", f"made {format_datetime(row.created_at, 'en')}")
        + f" · {ui.t('hết hạn', 'expires')}: {expires}"
        + f" · {ui.t('dùng lần cuối', 'last used')}: {format_datetime(row.last_used_at, ui.lang())}"
    )
    if right.button(ui.t("Thu hồi", "Revoke"), key=f"revoke_token_{row.id}", icon=":material/key_off:"):
        ui.act(
            tokens.revoke,
            actor.name,
            int(row.id),
            done=ui.t(f"Đã thu hồi khóa API #{row.id}.", f"API token #{row.id} revoked."),
        )
ui.log_out_control()
