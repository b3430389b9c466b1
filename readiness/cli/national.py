"""National mode: each province's report header and warning recipients."""

from __future__ import annotations

import argparse
import sys

from readiness.cli.common import act, add_as_option


def cmd_province_set(args: argparse.Namespace) -> int:
    from readiness.outputs import province_settings

    values = {name: getattr(args, name) for name in province_settings.EDITABLE}
    if all(v is None for v in values.values()):
        print("readiness province set: give at least one value to set, e.g. --issuing-body", file=sys.stderr)
        return 2
    code = act(
        args.as_name,
        lambda session, actor: province_settings.save(session, actor, args.code, **values).province_code,
        write=True,
    )
    header = province_settings.header(code)
    print(f"Province {code}: issuing body {header.issuing_body!r}, code {header.issuer_code!r}, place {header.place!r}")
    print(f"  signer {header.signer_title!r} {header.signer_name!r}; recipients: {', '.join(header.recipients) or '-'}")
    return 0


def cmd_province_list(args: argparse.Namespace) -> int:
    from readiness.outputs import province_settings

    rows = act(args.as_name, province_settings.listing)
    if rows.empty:
        print("No province has values of its own: every report uses the READINESS_REPORT_* settings.")
    for row in rows.itertuples():
        print(f"{row.province_code} {row.issuing_body!r} {row.issuer_code!r} {row.place!r} {row.signer_title!r}")
        print(f"   {row.signer_name!r}; recipients: {row.recipients or '-'} (set by {row.updated_by})")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    province = commands.add_parser(
        "province", help="national mode: a province's official report header and warning recipients"
    )
    actions = province.add_subparsers(dest="province_command", required=True)
    set_ = actions.add_parser("set", help="set a province's values (audited); an empty value returns to the default")
    set_.add_argument("code", help="the province's code, e.g. 01")
    set_.add_argument("--issuing-body", help="e.g. 'Sở Khoa học và Công nghệ'")
    set_.add_argument("--issuer-code", help="abbreviation in the document symbol, e.g. SKHCN")
    set_.add_argument("--place", help="where the report is issued, e.g. 'Hà Nội'")
    set_.add_argument("--signer-title", help="';' starts a new line, e.g. 'KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC'")
    set_.add_argument("--signer-name")
    set_.add_argument("--recipients", help="comma-separated addresses that get the province's whole warning list")
    add_as_option(set_)
    set_.set_defaults(handler=cmd_province_set)
    list_ = actions.add_parser("list", help="the provinces with values of their own")
    add_as_option(list_)
    list_.set_defaults(handler=cmd_province_list)
