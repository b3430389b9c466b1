"""Checklists and province workbooks: the template, the import."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from readiness.cli.common import act, add_as_option, missing_files, prepared_actor
from readiness.cli.progress import add_quiet_option, progress_bar

if TYPE_CHECKING:
    from readiness.intake import excel


def cmd_template(args: argparse.Namespace) -> int:
    from readiness.core import registry
    from readiness.core.settings import get_settings
    from readiness.intake import excel

    try:
        data = act(
            None,
            lambda session, _: (
                excel.province_workbook(session, get_settings().province)
                if args.province
                else excel.commune_checklist(session, args.commune, prefill=not args.no_prefill)
            ),
        )
    except (excel.UnknownCommune, registry.UnknownCode) as exc:
        print(f"readiness template: {exc}", file=sys.stderr)
        return 2
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes).")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Exit status 0 only when every file was accepted."""
    from readiness.intake import excel

    if missing_files("readiness import", args.files):
        return 2
    # The importer opens one transaction per file itself (docs/architecture.md says why).
    actor = prepared_actor(args.as_name)
    with progress_bar(args, "Checking" if args.dry_run else "Importing") as told:
        outcomes = excel.import_files(
            [(path.name, path.read_bytes()) for path in args.files], actor, args.dry_run, told
        )
    for outcome in outcomes:
        if args.json:
            print(json.dumps(outcome.to_dict(args.lang), ensure_ascii=False))
        else:
            print(_outcome_text(outcome, args.lang, args.dry_run))
    return 0 if all(o.outcome == excel.Outcome.ACCEPTED for o in outcomes) else 1


def _outcome_text(outcome: excel.ImportOutcome, lang: str, dry_run: bool) -> str:
    from readiness.core.i18n import format_date, tr
    from readiness.intake import excel
    from readiness.outputs.views import tables as views

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
            f"{outcome.problem_count} lỗi, số liệu không được ghi",
            f"{outcome.problem_count} problem(s), no figures stored",
        )
    ]
    # The rows of the upload page's problems table (readiness.outputs.views), one line each.
    for problem in views.import_problems(outcome.problems, lang).itertuples():
        where = f"{problem.sheet}!{problem.cell}" if problem.cell else tr(lang, "tệp", "file")
        lines.append(f"  {where}: {problem.message}")
    return "\n".join(lines)


def register(commands: argparse._SubParsersAction) -> None:
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
    add_as_option(import_)
    add_quiet_option(import_)
    import_.set_defaults(handler=cmd_import)
