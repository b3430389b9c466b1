"""Setting up: init, the catalog, the demo, the summary."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from readiness.cli.common import act, add_as_option, add_province_option, parse_date
from readiness.cli.progress import add_quiet_option, progress_bar

if TYPE_CHECKING:
    from sqlmodel import Session

    from readiness import bootstrap, demo
    from readiness.access.permissions import Actor


def cmd_init(args: argparse.Namespace) -> int:
    from readiness import bootstrap
    from readiness.access.auth import OPERATOR
    from readiness.outputs import fonts

    report = bootstrap.sync_catalog(OPERATOR)
    print(f"Database ready: {report.communes_added} communes added, {_catalog_text(report)}")
    # Made here, once per installation, rather than by the first official report (seconds).
    print(f"Fonts ready: {fonts.serif_files()[''].parent}")
    return 0


def cmd_catalog_sync(args: argparse.Namespace) -> int:
    from readiness import bootstrap
    from readiness.access.auth import OPERATOR

    text = _catalog_text(bootstrap.sync_catalog(OPERATOR))
    print(text[0].upper() + text[1:])
    return 0


def _catalog_text(report: bootstrap.InitReport) -> str:
    from readiness.core.settings import get_settings

    path = get_settings().catalog_path
    if not report.catalog_applied:
        return f"criteria catalog unchanged ({path})."
    return f"criteria catalog updated from {path}:\n" + "\n".join(f"  {c}" for c in report.catalog_applied)


def cmd_demo(args: argparse.Namespace) -> int:
    from readiness import demo

    # Printed only after the commit: a refused --clear removes nothing and must not say otherwise.
    if args.clear:
        removed, names = act(
            None, lambda session, actor: (demo.clear(session, actor), demo.clear_accounts(session, actor)), write=True
        )
        print(f"Removed {removed} demo submissions.")
        print(f"Removed {len(names)} demo accounts{': ' if names else '.'}{', '.join(names)}")
    else:

        def load(session: Session, actor: Actor) -> tuple[int, list[demo.DemoAccount]]:
            with progress_bar(args, "Loading the demo") as told:
                return demo.load_all(session, actor, seed=args.seed, progress=told)

        loaded, accounts = act(None, load, write=True)
        print(f"Loaded {loaded} demo submissions.")
        _print_demo_accounts(accounts)
    return 0


def _print_demo_accounts(accounts: list[demo.DemoAccount]) -> None:
    print("Demo accounts (for trying the app only; `readiness demo --clear` removes them):")
    for a in accounts:
        state = a.password if a.created else "(existed already; password left unchanged)"
        print(f"  {a.name:<12} {a.role:<8} {a.commune_code or '':<6} {state}")


def cmd_summary(args: argparse.Namespace) -> int:
    from readiness.access.permissions import readable_province
    from readiness.core.i18n import today
    from readiness.reading import queries

    as_of = args.as_of or today()
    approved_only = args.approved_only or None
    data = act(
        args.as_name,
        lambda session, actor: queries.summary(session, as_of, readable_province(actor, args.province), approved_only),
    )
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{data['province']}, as of {as_of:%d/%m/%Y}: {data['fully_green']}/{data['communes']} communes fully green")
    for code, counts in data["criteria"].items():
        print(f"  {code}: {counts['green']} green, {counts['red']} red, {counts['grey']} grey")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="create or upgrade the database, seed communes and criteria")
    init.set_defaults(handler=cmd_init)

    catalog = commands.add_parser("catalog", help="the criteria catalog")
    catalog_actions = catalog.add_subparsers(dest="catalog_command", required=True)
    catalog_actions.add_parser(
        "sync",
        help="apply READINESS_CATALOG_PATH to the database (audited); no other command changes the catalog",
    ).set_defaults(handler=cmd_catalog_sync)

    demo_ = commands.add_parser("demo", help="load demo submissions (July–November 2025)")
    demo_.add_argument("--clear", action="store_true", help="remove the demo submissions and nothing else")
    demo_.add_argument("--seed", type=int, default=57, help="random seed of the demo story")
    add_quiet_option(demo_)
    demo_.set_defaults(handler=cmd_demo)

    summary = commands.add_parser("summary", help="greening per criterion and per commune")
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    summary.add_argument("--as-of", type=parse_date, help="YYYY-MM-DD (default: today)")
    summary.add_argument(
        "--approved-only", action="store_true", help="count approved submissions only, whatever READINESS_COUNTS says"
    )
    add_as_option(summary)
    add_province_option(summary)
    summary.set_defaults(handler=cmd_summary)
