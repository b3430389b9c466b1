"""The `readiness` command: the app's features for operators and scripts."""

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from readiness import bootstrap, db, demo, excel, queries, registry
from readiness.auth import OPERATOR, Actor
from readiness.i18n import format_date, today, tr
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


def cmd_template(args: argparse.Namespace) -> int:
    bootstrap.init()
    with db.session() as session:
        if args.province:
            data = excel.province_workbook(session, get_settings().province)
        else:
            try:
                data = excel.commune_checklist(session, args.commune, prefill=not args.no_prefill)
            except (excel.UnknownCommune, registry.UnknownCode) as exc:
                print(f"readiness template: {exc}", file=sys.stderr)
                return 2
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes).")
    return 0


def cmd_import(args: argparse.Namespace, actor: Actor = OPERATOR) -> int:
    """Exit status 0 only when every file was accepted."""
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"readiness import: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    bootstrap.init()
    outcomes = excel.import_files([(path.name, path.read_bytes()) for path in args.files], actor, args.dry_run)
    for outcome in outcomes:
        if args.json:
            print(json.dumps(outcome.to_dict(args.lang), ensure_ascii=False))
        else:
            print(_outcome_text(outcome, args.lang, args.dry_run))
    return 0 if all(o.outcome == excel.Outcome.ACCEPTED for o in outcomes) else 1


def _outcome_text(outcome: excel.ImportOutcome, lang: str, dry_run: bool) -> str:
    what = (
        tr(lang, f"xã/phường {outcome.commune_code}", f"commune {outcome.commune_code}")
        if outcome.commune_code
        else tr(lang, f"{len(outcome.communes)} xã/phường", f"{len(outcome.communes)} communes")
    )
    if outcome.outcome == excel.Outcome.ACCEPTED:
        verb = (
            tr(lang, "HỢP LỆ (chạy thử, chưa ghi)", "VALID (dry run, nothing written)")
            if dry_run
            else tr(lang, "ĐÃ NHẬN", "ACCEPTED")
        )
        day = format_date(outcome.reporting_date, lang)
        gained = tr(lang, f"{outcome.newly_green} tiêu chí mới đạt", f"{outcome.newly_green} criteria newly green")
        return f"{verb} {outcome.filename}: {what}, {tr(lang, 'ngày báo cáo', 'reporting date')} {day}, {gained}"
    if outcome.outcome == excel.Outcome.DUPLICATE:
        return tr(
            lang,
            f"TRÙNG {outcome.filename}: tệp này đã được nhập trước đó, không tính lại.",
            f"DUPLICATE {outcome.filename}: this file was imported before and is not counted again.",
        )
    lines = [
        tr(lang, "BỊ TỪ CHỐI", "REJECTED")
        + f" {outcome.filename}: "
        + tr(
            lang,
            f"{len(outcome.problems)} lỗi, số liệu không được ghi",
            f"{len(outcome.problems)} problem(s), no figures stored",
        )
    ]
    for problem in outcome.problems:
        where = f"{problem.sheet}!{problem.cell}" if problem.cell else tr(lang, "tệp", "file")
        lines.append(f"  {where}: {problem.message(lang)}")
    return "\n".join(lines)


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

    template = commands.add_parser("template", help="write the commune checklist or the province workbook (.xlsx)")
    which = template.add_mutually_exclusive_group(required=True)
    which.add_argument("--commune", metavar="CODE", help="the commune's official code, e.g. 00070 or 70")
    which.add_argument("--province", action="store_true", help="the province workbook, one row per commune")
    template.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="where to write it")
    template.add_argument("--no-prefill", action="store_true", help="leave the commune's latest values out")
    template.set_defaults(handler=cmd_template)

    import_ = commands.add_parser("import", help="check and import filled checklists or province workbooks")
    import_.add_argument("files", nargs="+", type=Path, metavar="FILE")
    import_.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    import_.add_argument("--json", action="store_true", help="print one JSON object per file, one per line")
    import_.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the messages")
    import_.set_defaults(handler=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
