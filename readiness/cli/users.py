"""Accounts: add, list, disable, reset a password."""

from __future__ import annotations

import argparse

from readiness.cli.common import act, read_password
from readiness.core.enums import Role


def cmd_user_add(args: argparse.Namespace) -> int:
    from readiness.access import auth

    password = read_password()
    actor = act(
        None,
        lambda session, operator: auth.create_account(
            session, operator, args.name, args.role, password, args.commune, args.email, args.unit, args.province
        ),
        write=True,
    )
    bound = f", commune {actor.commune_code}" if actor.commune_code else ""
    bound += f", unit {actor.unit_code}" if actor.unit_code else ""
    bound += f", province {actor.province}" if actor.province else ""
    print(f"Account {actor.name} created (role {actor.role}{bound}).")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    import pandas as pd

    from readiness.access import auth
    from readiness.core.i18n import format_datetime

    accounts = act(None, auth.list_accounts)
    print(f"{'name':<24} {'role':<8} {'province':<8} {'commune':<8} {'e-mail':<32} state")
    for a in accounts.itertuples():
        state = "disabled" if a.disabled else "enabled"
        if not pd.isna(a.locked_until):
            state += f", locked until {format_datetime(a.locked_until, 'en')}"
        province = _text(a.province_code)
        print(f"{a.name:<24} {a.role:<8} {province:<8} {_text(a.commune_code):<8} {_text(a.email):<32} {state}")
    return 0


def _text(value: object) -> str:
    import pandas as pd

    return "" if pd.isna(value) else str(value)


def cmd_user_disable(args: argparse.Namespace) -> int:
    from readiness.access import auth

    act(None, lambda session, operator: auth.disable_account(session, operator, args.name), write=True)
    print(f"Account {auth.normal_name(args.name)} disabled.")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    from readiness.access import auth

    password = read_password()
    act(None, lambda session, operator: auth.reset_password(session, operator, args.name, password), write=True)
    print(f"Password of {auth.normal_name(args.name)} reset; any lockout is lifted.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="accounts: add, list, disable, reset a password")
    actions = user.add_subparsers(dest="user_command", required=True)
    stdin_help = "read the password from the first line of standard input (never from the command line)"

    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"one of: {', '.join(Role)}")
    add.add_argument("--commune", help="commune code, for (and only for) role commune, e.g. 00070")
    add.add_argument("--unit", help="department code, for (and only for) role unit, e.g. SKHCN (readiness units list)")
    add.add_argument("--email", help="e-mail that single sign-on identities are matched by")
    add.add_argument(
        "--province",
        metavar="CODE",
        help="national mode: the province the account works in, e.g. 01 (default: the whole country; a commune "
        "account's is its commune's)",
    )
    add.add_argument("--password-stdin", action="store_true", required=True, help=stdin_help)
    add.set_defaults(handler=cmd_user_add)

    actions.add_parser("list", help="list the accounts (never a password)").set_defaults(handler=cmd_user_list)

    disable = actions.add_parser("disable", help="disable an account: it can no longer log in or act")
    disable.add_argument("name")
    disable.set_defaults(handler=cmd_user_disable)

    reset = actions.add_parser("reset-password", help="set a new password and lift a lockout")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", required=True, help=stdin_help)
    reset.set_defaults(handler=cmd_user_reset_password)
