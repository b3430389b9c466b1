import streamlit as st

import ui
from readiness.access import auth
from readiness.core import registry, units
from readiness.core.models import Role, UnitKind
from readiness.core.settings import get_settings
from readiness.outputs.views import records as views
from readiness.reading import queries

actor = ui.logged_in()
st.title(ui.t("Quản lý tài khoản", "Accounts"))
ui.show_done()
with ui.session() as session:
    accounts = auth.list_accounts(session, actor)
    departments = {u.code: u.name for u in units.units(session, UnitKind.DEPARTMENT)}
communes = ui.query(queries.communes, ui.province())
commune_names = dict(zip(communes["code"], communes["name"], strict=True))

st.dataframe(views.accounts(accounts, ui.lang()), hide_index=True, width="stretch")

create, state, reset = st.tabs(
    [
        ui.t("Tạo tài khoản", "Create"),
        ui.t("Vô hiệu hóa / kích hoạt", "Disable / enable"),
        ui.t("Đặt lại mật khẩu", "Reset password"),
    ]
)
with create, st.form("create_account", clear_on_submit=False):
    name = st.text_input(ui.t("Tên đăng nhập", "Account name"))
    role = st.selectbox(ui.t("Vai trò", "Role"), list(Role), format_func=ui.role_label)
    commune = st.selectbox(
        ui.t("Xã, phường (chỉ cho vai trò cán bộ xã, phường)", "Commune (commune staff only)"),
        [None, *commune_names],
        format_func=lambda code: "—" if code is None else f"{code} · {commune_names[code]}",
    )
    department = st.selectbox(
        ui.t("Sở, ban, ngành (chỉ cho vai trò cán bộ sở, ban, ngành)", "Department (department staff only)"),
        [None, *departments],
        format_func=lambda code: "—" if code is None else f"{code} · {departments[code]}",
    )
    province = None
    if get_settings().national and actor.province is None:
        provinces = {p.code: p.name for p in registry.provinces()}
        province = st.selectbox(
            ui.t("Tỉnh, thành (trống: toàn quốc)", "Province (empty: the whole country)"),
            [None, *provinces],
            format_func=lambda code: "—" if code is None else f"{code} · {provinces[code]}",
        )
    email = st.text_input(
        ui.t("E-mail (để đăng nhập một lần, không bắt buộc)", "E-mail (for single sign-on, optional)")
    )
    password = st.text_input(ui.t("Mật khẩu ban đầu", "Initial password"), type="password", autocomplete="new-password")
    if st.form_submit_button(ui.t("Tạo tài khoản", "Create account"), type="primary"):
        ui.act(
            auth.create_account,
            name,
            role,
            password,
            commune,
            email,
            department,
            province,
            done=ui.t(
                f"Đã tạo tài khoản {ui.plain(auth.normal_name(name))}.",
                f"Account {ui.plain(auth.normal_name(name))} created.",
            ),
        )

with state:
    who = st.selectbox(ui.t("Tài khoản", "Account"), accounts["name"], key="state_account")
    left, right = st.columns(2)
    if left.button(
        ui.t("Vô hiệu hóa", "Disable"), icon=":material/block:", disabled=who is None, key="disable_account"
    ):
        ui.act(
            auth.disable_account, who, True, done=ui.t(f"Đã vô hiệu hóa {ui.plain(who)}.", f"{ui.plain(who)} disabled.")
        )
    if right.button(
        ui.t("Kích hoạt lại", "Enable"), icon=":material/check:", disabled=who is None, key="enable_account"
    ):
        ui.act(
            auth.disable_account,
            who,
            False,
            done=ui.t(f"Đã kích hoạt lại {ui.plain(who)}.", f"{ui.plain(who)} enabled."),
        )

with reset, st.form("reset_password", clear_on_submit=True):
    who = st.selectbox(ui.t("Tài khoản", "Account"), accounts["name"], key="reset_account")
    new = st.text_input(ui.t("Mật khẩu mới", "New password"), type="password", autocomplete="new-password")
    if st.form_submit_button(ui.t("Đặt lại mật khẩu", "Reset password")):
        ui.act(
            auth.reset_password,
            who,
            new,
            done=ui.t(
                f"Đã đặt lại mật khẩu của {ui.plain(who)}; tài khoản được mở khóa.",
                f"Password of {ui.plain(who)} reset; unlocked.",
            ),
        )
