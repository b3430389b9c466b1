"""The `readiness` command: the app's features for operators and scripts."""

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from readiness import bootstrap, db, demo, export, queries, registry, report
from readiness.auth import OPERATOR
from readiness.i18n import LANGUAGES, today
from readiness.settings import get_settings


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from exc


def cmd_init(args: argparse.Namespace) -> int:
    report = bootstrap.init()
    catalog = "updated" if report.catalog_changed else "unchanged"
    print(f"Database ready: {report.communes_added} communes added, criteria catalog {catalog}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    bootstrap.init()
    with db.write_session() as session:
        if args.clear:
            print(f"Removed {demo.clear(session, OPERATOR)} demo submissions.")
        else:
            print(f"Loaded {demo.load(session, OPERATOR, seed=args.seed)} demo submissions.")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    bootstrap.init()
    as_of = args.as_of or today()
    with db.session() as session:
        data = queries.summary(session, as_of, get_settings().province)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{data['province']}, as of {as_of:%d/%m/%Y}: {data['fully_green']}/{data['communes']} communes fully green")
    for code, counts in data["criteria"].items():
        print(f"  {code}: {counts['green']} green, {counts['red']} red, {counts['grey']} grey")
    return 0


def _out(text: str) -> Path:
    path = Path(text)
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(
            f"folder {str(path.parent)!r} does not exist: create it or choose another --out"
        )
    return path


def cmd_report(args: argparse.Namespace) -> int:
    bootstrap.init()
    as_of = args.as_of or today()
    with db.session() as session:
        try:
            if args.commune is not None:
                data = report.commune_report(session, args.commune, as_of, args.lang, actor=OPERATOR)
            else:
                data = report.province_report(session, as_of, get_settings().province, args.lang, actor=OPERATOR)
        except registry.UnknownCode as exc:
            print(f"readiness report: {exc}", file=sys.stderr)
            return 2
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), figures as of {as_of:%d/%m/%Y}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    bootstrap.init()
    as_of = args.as_of or today()
    workbook = export.warning_list_workbook if args.warning_list else export.consolidated_workbook
    with db.session() as session:
        data = workbook(session, as_of, get_settings().province, args.lang, actor=OPERATOR)
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), figures as of {as_of:%d/%m/%Y}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="readiness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create or upgrade the database, seed communes and criteria")
    init.set_defaults(handler=cmd_init)

    demo_ = commands.add_parser("demo", help="load demo submissions (July–November 2025)")
    demo_.add_argument("--clear", action="store_true", help="remove the demo submissions and nothing else")
    demo_.add_argument("--seed", type=int, default=57, help="random seed of the demo story")
    demo_.set_defaults(handler=cmd_demo)

    summary = commands.add_parser("summary", help="greening per criterion and per commune")
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    summary.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    summary.set_defaults(handler=cmd_summary)

    report_ = commands.add_parser("report", help="leaders' summary PDF of the province, or one commune's sheet")
    report_.add_argument("--out", type=_out, required=True, help="PDF file to write")
    report_.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    report_.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language (default: vi)")
    report_.add_argument("--commune", help="one commune's one-page sheet; code with or without leading zeros (70)")
    report_.set_defaults(handler=cmd_report)

    export_ = commands.add_parser("export", help="Excel: consolidated table of all communes, or the warning list")
    export_.add_argument("--out", type=_out, required=True, help="XLSX file to write")
    export_.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    export_.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language (default: vi)")
    export_.add_argument("--warning-list", action="store_true", help="export this week's warning list instead")
    export_.set_defaults(handler=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
