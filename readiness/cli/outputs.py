"""What goes out: the PDF reports, the Excel exports, the warning mail."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from readiness.cli.common import act, acting_as, add_as_option, add_province_option, out_path, parse_date, province_of
from readiness.cli.progress import add_quiet_option, progress_bar
from readiness.core.i18n import LANGUAGES


def cmd_report(args: argparse.Namespace) -> int:
    from readiness.core import registry
    from readiness.core.i18n import today
    from readiness.outputs import report

    as_of = args.as_of or today()
    if args.official:
        return _official_report(args, as_of)
    if args.number is not None:
        print("readiness report: --number is for the official report: add --official", file=sys.stderr)
        return 2
    try:
        with progress_bar(args, "Building the report") as told:
            data = act(
                args.as_name,
                lambda session, actor: (
                    report.commune_report(session, args.commune, as_of, args.lang, actor=actor)
                    if args.commune is not None
                    else report.province_report(
                        session, as_of, province_of(actor, args), args.lang, actor=actor, progress=told
                    )
                ),
            )
    except registry.UnknownCode as exc:
        print(f"readiness report: {exc}", file=sys.stderr)
        return 2
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), figures as of {as_of:%d/%m/%Y}.")
    return 0


def _official_report(args: argparse.Namespace, as_of: date) -> int:
    from readiness.outputs import official

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in official.FORMATS or args.commune is not None:
        problem = (
            "is for the province, not one commune" if args.commune is not None else "needs --out FILE.pdf or .docx"
        )
        print(f"readiness report: --official {problem}", file=sys.stderr)
        return 2
    province = province_of(acting_as(args.as_name), args)
    details = official.Details.from_settings(province, number=args.number or "")
    with progress_bar(args, "Building the official report") as told:
        data = act(
            args.as_name,
            lambda session, actor: official.official_report(
                session, as_of, province, fmt, details, actor=actor, progress=told
            ),
        )
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), official report, figures as of {as_of:%d/%m/%Y}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from readiness.core.i18n import today
    from readiness.outputs import export

    as_of = args.as_of or today()
    with progress_bar(args, "Building the workbook") as told:
        if args.warning_list:
            data = act(
                args.as_name,
                lambda session, actor: export.warning_list_workbook(
                    session, as_of, province_of(actor, args), args.lang, actor=actor
                ),
            )
        else:
            data = act(
                args.as_name,
                lambda session, actor: export.consolidated_workbook(
                    session, as_of, province_of(actor, args), args.lang, actor=actor, progress=told
                ),
            )
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), figures as of {as_of:%d/%m/%Y}.")
    return 0


def cmd_warnings_send(args: argparse.Namespace) -> int:
    """Exit status 0 when nothing is left owed for the week (or on a dry run), 1 when a delivery failed."""
    from readiness import bootstrap
    from readiness.core.i18n import today
    from readiness.outputs import mail

    bootstrap.init()
    as_of = args.as_of or today()
    try:
        # Sending opens its own transactions, one per delivery (docs/architecture.md says why).
        actor = acting_as(args.as_name)
        with progress_bar(args, "Sending") as told:
            deliveries = mail.send_warnings(
                as_of,
                province_of(actor, args),
                actor=actor,
                dry_run=args.dry_run,
                resend=args.resend,
                progress=told,
            )
    except mail.MailNotConfigured as exc:
        print(f"readiness warnings send: {exc}", file=sys.stderr)
        return 2
    week = mail.week_of(as_of)
    print(f"Warning list of the week of {week:%d/%m/%Y} (figures as of {as_of:%d/%m/%Y}):")
    if not deliveries:
        print("  nobody to send to: set READINESS_WARNING_RECIPIENTS, or give listed communes' accounts an e-mail")
    for d in deliveries:
        scope = "whole list + Excel" if mail.is_whole_list(d.scope) else f"commune {d.scope}"
        if d.scope.startswith(mail.TASK_SCOPE):
            scope = f"tasks of unit {d.scope.removeprefix(mail.TASK_SCOPE)}"
        error = f" ({d.error})" if d.error else ""
        print(f"  {d.outcome:<12} {d.recipient} [{scope}]{error}")
    counts = {outcome: sum(d.outcome == outcome for d in deliveries) for outcome in (mail.SENT, mail.FAILED)}
    print(f"{counts[mail.SENT]} sent, {counts[mail.FAILED]} failed (owed: the next run retries them).")
    return 1 if counts[mail.FAILED] else 0


def register(commands: argparse._SubParsersAction) -> None:
    report_ = commands.add_parser(
        "report", help="leaders' summary PDF of the province, one commune's sheet, or the official report"
    )
    report_.add_argument(
        "--out", type=out_path, required=True, help="PDF file to write (.pdf or .docx with --official)"
    )
    report_.add_argument("--as-of", type=parse_date, help="YYYY-MM-DD (default: today)")
    report_.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language (default: vi)")
    report_.add_argument("--commune", help="one commune's one-page sheet; code with or without leading zeros (70)")
    report_.add_argument(
        "--official",
        action="store_true",
        help="the official report (Nghị định 30/2020/NĐ-CP) as PDF or Word, by the extension of --out",
    )
    report_.add_argument("--number", help="the official report's number, as in 'Số: 12/BC-SKHCN' (default: blank)")
    add_as_option(report_)
    add_province_option(report_)
    add_quiet_option(report_)
    report_.set_defaults(handler=cmd_report)

    export_ = commands.add_parser("export", help="Excel: consolidated table of all communes, or the warning list")
    export_.add_argument("--out", type=out_path, required=True, help="XLSX file to write")
    export_.add_argument("--as-of", type=parse_date, help="YYYY-MM-DD (default: today)")
    export_.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language (default: vi)")
    export_.add_argument("--warning-list", action="store_true", help="export this week's warning list instead")
    add_as_option(export_)
    add_province_option(export_)
    add_quiet_option(export_)
    export_.set_defaults(handler=cmd_export)

    warnings_ = commands.add_parser("warnings", help="the weekly warning list: send it by e-mail")
    warning_actions = warnings_.add_subparsers(dest="warnings_command", required=True)
    send = warning_actions.add_parser(
        "send",
        help="mail this week's warning list to READINESS_WARNING_RECIPIENTS and to the listed communes' accounts",
    )
    send.add_argument("--as-of", type=parse_date, help="YYYY-MM-DD (default: today); the week is the one of this day")
    send.add_argument("--dry-run", action="store_true", help="list who would get what; send and record nothing")
    send.add_argument("--resend", action="store_true", help="send again to recipients already sent this week")
    add_as_option(send)
    add_province_option(send)
    add_quiet_option(send)
    send.set_defaults(handler=cmd_warnings_send)
