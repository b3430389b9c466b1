"""API tokens: create (printed once), list, revoke."""

from __future__ import annotations

import argparse

from readiness.cli.common import act


def cmd_token_create(args: argparse.Namespace) -> int:
    from readiness.access import auth, tokens

    token = act(
        None,
        lambda session, actor: tokens.create(session, actor, args.name, args.expires_days, args.label or ""),
        write=True,
    )
    expiry = f"expires in {args.expires_days} days" if args.expires_days else "no expiry"
    print(f"API token for {auth.normal_name(args.name)} ({expiry}); it is shown this once, only its hash is kept:")
    # The token is the last line, alone, so that a script can take it with `tail -n 1`.
    print(token)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from readiness.access import tokens
    from readiness.core.i18n import format_datetime

    listing = act(None, lambda session, actor: tokens.listing(session, actor, args.name))
    print(f"{'id':>6} {'label':<24} {'created':<18} {'expires':<18} last used")
    for t in listing.itertuples():
        created, expires, used = (format_datetime(v, "en") for v in (t.created_at, t.expires_at, t.last_used_at))
        print(f"{t.id:>6} {t.label:<24} {created:<18} {expires:<18} {used}")
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from readiness.access import auth, tokens

    act(None, lambda session, actor: tokens.revoke(session, actor, args.name, args.id), write=True)
    print(f"API token {args.id} of {auth.normal_name(args.name)} revoked.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    token = commands.add_parser("token", help="API tokens: create, list, revoke")
    actions = token.add_subparsers(dest="token_command", required=True)

    create = actions.add_parser("create", help="a new token acting as the account (printed once, last line)")
    create.add_argument("name", help="the account the token acts as, with its role and scope")
    create.add_argument("--expires-days", type=int, metavar="N", help="the token ends after N days (default: never)")
    create.add_argument("--label", help="what the token is for, e.g. the system that uses it")
    create.set_defaults(handler=cmd_token_create)

    list_ = actions.add_parser("list", help="an account's tokens (never the token itself)")
    list_.add_argument("name")
    list_.set_defaults(handler=cmd_token_list)

    revoke = actions.add_parser("revoke", help="end one token at once")
    revoke.add_argument("name")
    revoke.add_argument("id", type=int, help="the token's id, as `readiness token list` shows it")
    revoke.set_defaults(handler=cmd_token_revoke)
