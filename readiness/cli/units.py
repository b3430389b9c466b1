"""Units that lead tasks: the departments of data/units.toml and the communes."""

from __future__ import annotations

import argparse
import json

from readiness.cli.common import act


def cmd_units_list(args: argparse.Namespace) -> int:
    from readiness.core import units

    rows = act(None, lambda session, _: units.units(session, args.kind))
    if args.json:
        print(json.dumps([{"code": u.code, "name": u.name, "kind": str(u.kind)} for u in rows], ensure_ascii=False))
        return 0
    for unit in rows:
        print(f"{unit.code:<10} {unit.kind!s:<11} {unit.name}" + (f"  <{unit.emails}>" if unit.emails else ""))
    return 0


def cmd_units_sync(args: argparse.Namespace) -> int:
    from readiness import bootstrap
    from readiness.access.auth import OPERATOR
    from readiness.core.units import UnitsError

    try:
        changes = bootstrap.sync_units(OPERATOR)
    except UnitsError as exc:
        print(f"error: {exc}")
        return 1
    print("\n".join(changes) if changes else "The units already equal the file.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    from readiness.core.enums import UnitKind

    group = commands.add_parser("units", help="units that lead tasks: list, sync the departments file")
    actions = group.add_subparsers(dest="units_command", required=True)
    listing = actions.add_parser("list", help="the departments, then the communes")
    listing.add_argument("--kind", choices=list(UnitKind), help="only departments or only communes")
    listing.add_argument("--json", action="store_true", help='print [{"code", "name", "kind"}, …]')
    listing.set_defaults(handler=cmd_units_list)
    actions.add_parser("sync", help="apply data/units.toml (READINESS_UNITS_PATH); audited").set_defaults(
        handler=cmd_units_sync
    )
