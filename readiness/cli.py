"""The `readiness` command: the app's features for operators and scripts.

Each command imports what it needs when it runs (pandas, openpyxl, fpdf, altair and the database layer take a
second or more and 200 MB to load): `readiness --help` and a mistyped option answer at once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from readiness.enums import ReviewStatus, Role
from readiness.i18n import LANGUAGES

if TYPE_CHECKING:
    from readiness import auth, bootstrap, demo, excel, geo
    from readiness.auth import Actor


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from exc


def cmd_init(args: argparse.Namespace) -> int:
    from readiness import bootstrap
    from readiness.auth import OPERATOR

    report = bootstrap.sync_catalog(OPERATOR)
    print(f"Database ready: {report.communes_added} communes added, {_catalog_text(report)}")
    return 0


def cmd_catalog_sync(args: argparse.Namespace) -> int:
    from readiness import bootstrap
    from readiness.auth import OPERATOR

    text = _catalog_text(bootstrap.sync_catalog(OPERATOR))
    print(text[0].upper() + text[1:])
    return 0


def _catalog_text(report: bootstrap.InitReport) -> str:
    from readiness.settings import get_settings

    path = get_settings().catalog_path
    if not report.catalog_applied:
        return f"criteria catalog unchanged ({path})."
    return f"criteria catalog updated from {path}:\n" + "\n".join(f"  {c}" for c in report.catalog_applied)


def cmd_demo(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap

    bootstrap.init()
    try:
        _demo(args)
    except auth.Refusal as exc:
        return _refused(exc)
    return 0


def _demo(args: argparse.Namespace) -> None:
    from readiness import db, demo
    from readiness.auth import OPERATOR

    # Printed only after the commit: a refused --clear removes nothing and must not say otherwise.
    with db.write_session() as session:
        if args.clear:
            removed = demo.clear(session, OPERATOR)
            names = demo.clear_accounts(session, OPERATOR)
        else:
            loaded = demo.load(session, OPERATOR, seed=args.seed)
            accounts = demo.load_accounts(session, OPERATOR)
    if args.clear:
        print(f"Removed {removed} demo submissions.")
        print(f"Removed {len(names)} demo accounts{': ' if names else '.'}{', '.join(names)}")
    else:
        print(f"Loaded {loaded} demo submissions.")
        _print_demo_accounts(accounts)


def _print_demo_accounts(accounts: list[demo.DemoAccount]) -> None:
    print("Demo accounts (for trying the app only; `readiness demo --clear` removes them):")
    for a in accounts:
        state = a.password if a.created else "(existed already; password left unchanged)"
        print(f"  {a.name:<12} {a.role:<8} {a.commune_code or '':<6} {state}")


def cmd_summary(args: argparse.Namespace) -> int:
    from readiness import bootstrap, db, queries
    from readiness.i18n import today
    from readiness.settings import get_settings

    bootstrap.init()
    as_of = args.as_of or today()
    with db.session() as session:
        data = queries.summary(session, as_of, get_settings().province, approved_only=args.approved_only or None)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{data['province']}, as of {as_of:%d/%m/%Y}: {data['fully_green']}/{data['communes']} communes fully green")
    for code, counts in data["criteria"].items():
        print(f"  {code}: {counts['green']} green, {counts['red']} red, {counts['grey']} grey")
    return 0


def acting_as(name: str | None) -> Actor:
    """The rights a command runs with: the operator's (admin), or exactly those of the account given by --as."""
    from readiness import auth, db
    from readiness.auth import OPERATOR

    if name is None:
        return OPERATOR
    with db.session() as session:
        return auth.acting_as(session, name)


def add_as_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="act with exactly the rights of this account (default: the operator, with admin rights)",
    )


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _refused(exc: auth.Refusal) -> int:
    print(f"error: {exc.en}", file=sys.stderr)
    return 1


def cmd_user_add(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap, db
    from readiness.auth import OPERATOR

    bootstrap.init()
    try:
        with db.write_session() as session:
            actor = auth.create_account(
                session, OPERATOR, args.name, args.role, _read_password(), args.commune, args.email
            )
    except auth.Refusal as exc:
        return _refused(exc)
    bound = f", commune {actor.commune_code}" if actor.commune_code else ""
    print(f"Account {actor.name} created (role {actor.role}{bound}).")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    import pandas as pd

    from readiness import auth, bootstrap, db
    from readiness.auth import OPERATOR
    from readiness.i18n import format_datetime

    bootstrap.init()
    with db.session() as session:
        accounts = auth.list_accounts(session, OPERATOR)
    print(f"{'name':<24} {'role':<8} {'commune':<8} {'e-mail':<32} state")
    for a in accounts.itertuples():
        state = "disabled" if a.disabled else "enabled"
        if not pd.isna(a.locked_until):
            state += f", locked until {format_datetime(a.locked_until, 'en')}"
        print(f"{a.name:<24} {a.role:<8} {_text(a.commune_code):<8} {_text(a.email):<32} {state}")
    return 0


def _text(value: object) -> str:
    import pandas as pd

    return "" if pd.isna(value) else str(value)


def cmd_user_disable(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap, db
    from readiness.auth import OPERATOR

    bootstrap.init()
    try:
        with db.write_session() as session:
            auth.disable_account(session, OPERATOR, args.name)
    except auth.Refusal as exc:
        return _refused(exc)
    print(f"Account {auth.normal_name(args.name)} disabled.")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap, db
    from readiness.auth import OPERATOR

    bootstrap.init()
    try:
        with db.write_session() as session:
            auth.reset_password(session, OPERATOR, args.name, _read_password())
    except auth.Refusal as exc:
        return _refused(exc)
    print(f"Password of {auth.normal_name(args.name)} reset; any lockout is lifted.")
    return 0


def _add_user_commands(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="accounts: add, list, disable, reset a password")
    actions = user.add_subparsers(dest="user_command", required=True)
    stdin_help = "read the password from the first line of standard input (never from the command line)"

    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"one of: {', '.join(Role)}")
    add.add_argument("--commune", help="commune code, for (and only for) role commune, e.g. 00070")
    add.add_argument("--email", help="e-mail that single sign-on identities are matched by")
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


def cmd_template(args: argparse.Namespace) -> int:
    from readiness import bootstrap, db, excel, registry
    from readiness.settings import get_settings

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


def cmd_import(args: argparse.Namespace) -> int:
    """Exit status 0 only when every file was accepted."""
    from readiness import auth, bootstrap, excel

    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"readiness import: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    bootstrap.init()
    try:
        actor = acting_as(args.as_name)
    except auth.Refusal as exc:
        return _refused(exc)
    outcomes = excel.import_files([(path.name, path.read_bytes()) for path in args.files], actor, args.dry_run)
    for outcome in outcomes:
        if args.json:
            print(json.dumps(outcome.to_dict(args.lang), ensure_ascii=False))
        else:
            print(_outcome_text(outcome, args.lang, args.dry_run))
    return 0 if all(o.outcome == excel.Outcome.ACCEPTED for o in outcomes) else 1


def _outcome_text(outcome: excel.ImportOutcome, lang: str, dry_run: bool) -> str:
    from readiness import excel
    from readiness.i18n import format_date, tr
    from readiness.views import tables as views

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
    # The rows of the upload page's problems table (readiness.views), one line each.
    for problem in views.import_problems(outcome.problems, lang).itertuples():
        where = f"{problem.sheet}!{problem.cell}" if problem.cell else tr(lang, "tệp", "file")
        lines.append(f"  {where}: {problem.message}")
    return "\n".join(lines)


def _out(text: str) -> Path:
    path = Path(text)
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(
            f"folder {str(path.parent)!r} does not exist: create it or choose another --out"
        )
    return path


def cmd_report(args: argparse.Namespace) -> int:
    from readiness import bootstrap, db, registry, report
    from readiness.auth import OPERATOR
    from readiness.i18n import today
    from readiness.settings import get_settings

    bootstrap.init()
    as_of = args.as_of or today()
    if args.official:
        return _official_report(args, as_of)
    if args.number is not None:
        print("readiness report: --number is for the official report: add --official", file=sys.stderr)
        return 2
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


def _official_report(args: argparse.Namespace, as_of: date) -> int:
    from readiness import db, official
    from readiness.auth import OPERATOR
    from readiness.settings import get_settings

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in official.FORMATS or args.commune is not None:
        problem = (
            "is for the province, not one commune" if args.commune is not None else "needs --out FILE.pdf or .docx"
        )
        print(f"readiness report: --official {problem}", file=sys.stderr)
        return 2
    province = get_settings().province
    details = official.Details.from_settings(province, number=args.number or "")
    with db.session() as session:
        data = official.official_report(session, as_of, province, fmt, details, actor=OPERATOR)
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), official report, figures as of {as_of:%d/%m/%Y}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from readiness import bootstrap, db, export
    from readiness.auth import OPERATOR
    from readiness.i18n import today
    from readiness.settings import get_settings

    bootstrap.init()
    as_of = args.as_of or today()
    workbook = export.warning_list_workbook if args.warning_list else export.consolidated_workbook
    with db.session() as session:
        data = workbook(session, as_of, get_settings().province, args.lang, actor=OPERATOR)
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes), figures as of {as_of:%d/%m/%Y}.")
    return 0


def cmd_boundaries_load(args: argparse.Namespace) -> int:
    from readiness import bootstrap, db, geo
    from readiness.i18n import Bilingual

    bootstrap.init()
    try:
        content = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        with db.write_session() as session:
            loaded = geo.load_boundaries(session, acting_as(args.as_name), content, args.level)
    except Bilingual as exc:
        print(f"error: {args.file}: {exc.message(args.lang)}", file=sys.stderr)
        return 1
    print(_boundary_report(loaded, args.lang))
    return 0


def _boundary_report(loaded: geo.Report, lang: str) -> str:
    """The same matching report as the boundaries page."""
    from readiness import geo
    from readiness.i18n import tr

    areas = tr(lang, "xã, phường", "communes") if loaded.level == geo.Level.COMMUNE else tr(lang, "tỉnh", "provinces")
    lines = [
        tr(
            lang,
            f"Đã lưu ranh giới: {loaded.matched} {areas} ghép được.",
            f"Boundaries saved: {loaded.matched} {areas} matched.",
        ),
        tr(
            lang,
            f"Đối tượng không ghép được: {len(loaded.unmatched_features)}",
            f"Features not matched: {len(loaded.unmatched_features)}",
        ),
        *(f"  {label}" for label in loaded.unmatched_features),
        tr(
            lang,
            f"{areas.capitalize()} thiếu ranh giới: {len(loaded.without_boundary)}",
            f"{areas.capitalize()} without a boundary: {len(loaded.without_boundary)}",
        ),
        *(
            f"  {code} {name}"
            for code, name in zip(loaded.without_boundary["code"], loaded.without_boundary["name"], strict=True)
        ),
    ]
    if loaded.notes:
        lines.append(
            tr(
                lang,
                f"Hình đã sửa hoặc bỏ qua: {len(loaded.notes)}",
                f"Shapes repaired or left out: {len(loaded.notes)}",
            )
        )
        lines += [f"  {note.text(lang)}" for note in loaded.notes]
    return "\n".join(lines)


def cmd_boundaries_status(args: argparse.Namespace) -> int:
    from readiness import bootstrap, db, geo
    from readiness.settings import get_settings

    bootstrap.init()
    province = get_settings().province
    with db.session() as session:
        loaded = geo.status(session, province, args.level)
        scope = geo.areas(session, geo.Level(args.level), province)
    if loaded is None:
        loaded = geo.Report(geo.Level(args.level), 0, [], scope[["code", "name"]], [])
    if args.json:
        prefix = "communes" if loaded.level == geo.Level.COMMUNE else "provinces"
        data = {
            f"{prefix}_with_boundary": loaded.matched,
            f"{prefix}_without": loaded.without_boundary["code"].tolist(),
            "unmatched_features": loaded.unmatched_features,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(_boundary_report(loaded, args.lang).split("\n", 1)[1])
    return 0


def _add_boundary_commands(commands: argparse._SubParsersAction) -> None:
    boundaries = commands.add_parser("boundaries", help="boundary GeoJSON for the maps: load, status")
    actions = boundaries.add_subparsers(dest="action", required=True)
    levels = ["commune", "province"]  # geo.Level, not imported here: --help stays fast
    load = actions.add_parser("load", help="check, normalise and store a boundary file (replaces the previous one)")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--level", choices=levels, default="commune", help="communes (default) or the 34 provinces")
    load.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language of the messages")
    add_as_option(load)
    load.set_defaults(handler=cmd_boundaries_load)
    status = actions.add_parser("status", help="what the stored boundary file matches")
    status.add_argument("--level", choices=levels, default="commune", help="communes (default) or the 34 provinces")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language of the messages")
    status.set_defaults(handler=cmd_boundaries_status)


def cmd_warnings_send(args: argparse.Namespace) -> int:
    """Exit status 0 when nothing is left owed for the week (or on a dry run), 1 when a delivery failed."""
    from readiness import auth, bootstrap, mail
    from readiness.i18n import today
    from readiness.settings import get_settings

    bootstrap.init()
    as_of = args.as_of or today()
    try:
        actor = acting_as(args.as_name)
        deliveries = mail.send_warnings(
            as_of, get_settings().province, actor=actor, dry_run=args.dry_run, resend=args.resend
        )
    except auth.Refusal as exc:
        return _refused(exc)
    except mail.MailNotConfigured as exc:
        print(f"readiness warnings send: {exc}", file=sys.stderr)
        return 2
    week = mail.week_of(as_of)
    print(f"Warning list of the week of {week:%d/%m/%Y} (figures as of {as_of:%d/%m/%Y}):")
    if not deliveries:
        print("  nobody to send to: set READINESS_WARNING_RECIPIENTS, or give listed communes' accounts an e-mail")
    for d in deliveries:
        scope = "whole list + Excel" if d.scope == mail.WHOLE_LIST else f"commune {d.scope}"
        error = f" ({d.error})" if d.error else ""
        print(f"  {d.outcome:<12} {d.recipient} [{scope}]{error}")
    counts = {outcome: sum(d.outcome == outcome for d in deliveries) for outcome in (mail.SENT, mail.FAILED)}
    print(f"{counts[mail.SENT]} sent, {counts[mail.FAILED]} failed (owed: the next run retries them).")
    return 1 if counts[mail.FAILED] else 0


def cmd_review_list(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap, db, review

    bootstrap.init()
    try:
        actor = acting_as(args.as_name)
        with db.session() as session:
            frame = review.submissions(session, actor, ReviewStatus(args.status) if args.status else None)
    except auth.Refusal as exc:
        return _refused(exc)
    rows = [
        {
            "id": int(row.id),
            "commune_code": row.commune_code,
            "reporting_date": row.reporting_date.isoformat(),
            "origin": row.origin,
            "status": row.review_status,
            "reason": row.review_reason,
        }
        for row in frame.itertuples()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        reason = f"  {row['reason']}" if row["reason"] else ""
        print(
            f"{row['id']:>7} {row['commune_code']} {row['reporting_date']} {row['origin']:<18} {row['status']}{reason}"
        )
    return 0


def cmd_review_decide(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap, db, review

    bootstrap.init()
    try:
        actor = acting_as(args.as_name)
        with db.write_session() as session:
            if args.review_command == "approve":
                review.approve(session, actor, args.id)
            else:
                review.return_submission(session, actor, args.id, args.reason or "", args.criteria)
    except auth.Refusal as exc:
        return _refused(exc)
    print(f"Submission {args.id} {'approved' if args.review_command == 'approve' else 'returned'}.")
    return 0


def _add_review_commands(commands: argparse._SubParsersAction) -> None:
    review_ = commands.add_parser("review", help="the DOST's review: list, approve, return submissions")
    actions = review_.add_subparsers(dest="review_command", required=True)
    list_ = actions.add_parser("list", help="submissions with their review status, oldest first")
    list_.add_argument("--status", choices=[str(s) for s in ReviewStatus], help="only this status")
    list_.add_argument("--json", action="store_true", help="print a JSON array")
    add_as_option(list_)
    list_.set_defaults(handler=cmd_review_list)
    approve = actions.add_parser("approve", help="approve a pending submission")
    approve.add_argument("id", type=int)
    add_as_option(approve)
    approve.set_defaults(handler=cmd_review_decide)
    return_ = actions.add_parser("return", help="return a pending submission to its commune, with a reason")
    return_.add_argument("id", type=int)
    return_.add_argument("--reason", help="why (required): what the commune must fix")
    return_.add_argument("--criteria", nargs="*", default=[], metavar="CODE", help="the criteria concerned")
    add_as_option(return_)
    return_.set_defaults(handler=cmd_review_decide)


def cmd_evidence_add(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"readiness evidence: no such file: {args.file}", file=sys.stderr)
        return 2
    from readiness import auth, bootstrap, db, evidence

    bootstrap.init()
    try:
        actor = acting_as(args.as_name)
        with db.write_session() as session:
            evidence_id = evidence.add(
                session, actor, args.commune, args.criterion, args.file.name, args.file.read_bytes()
            )
    except auth.Refusal as exc:
        return _refused(exc)
    print(f"Evidence file {evidence_id} stored for commune {args.commune}, criterion {args.criterion.upper()}.")
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    from readiness import auth, bootstrap, db, evidence

    bootstrap.init()
    try:
        actor = acting_as(args.as_name)
        with db.session() as session:
            frame = evidence.files(session, actor, args.commune)
    except auth.Refusal as exc:
        return _refused(exc)
    rows = [
        {
            "id": int(row.id),
            "commune_code": row.commune_code,
            "criterion_code": row.criterion_code,
            "filename": row.filename,
            "media_type": row.media_type,
            "size": int(row.size),
            "sha256": row.sha256,
            "uploaded_by": row.uploaded_by,
            "uploaded_at": row.uploaded_at.isoformat(),
            "superseded": bool(row.superseded),
        }
        for row in frame.itertuples()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        state = " (superseded)" if row["superseded"] else ""
        print(f"{row['id']:>6} {row['criterion_code']} {row['filename']} {row['media_type']} {row['size']:,} B{state}")
    return 0


def _add_evidence_commands(commands: argparse._SubParsersAction) -> None:
    evidence_ = commands.add_parser("evidence", help="evidence files (PDF, JPEG, PNG) per commune and criterion")
    actions = evidence_.add_subparsers(dest="evidence_command", required=True)
    add = actions.add_parser("add", help="attach a file to a commune's criterion")
    add.add_argument("commune", help="commune code, e.g. 00070 or 70")
    add.add_argument("criterion", help="criterion code, e.g. TC01")
    add.add_argument("file", type=Path)
    add_as_option(add)
    add.set_defaults(handler=cmd_evidence_add)
    list_ = actions.add_parser("list", help="a commune's evidence files")
    list_.add_argument("commune")
    list_.add_argument("--json", action="store_true", help="print a JSON array")
    add_as_option(list_)
    list_.set_defaults(handler=cmd_evidence_list)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="readiness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

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
    demo_.set_defaults(handler=cmd_demo)

    summary = commands.add_parser("summary", help="greening per criterion and per commune")
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    summary.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    summary.add_argument(
        "--approved-only", action="store_true", help="count approved submissions only, whatever READINESS_COUNTS says"
    )
    summary.set_defaults(handler=cmd_summary)

    _add_user_commands(commands)
    _add_boundary_commands(commands)
    _add_review_commands(commands)
    _add_evidence_commands(commands)
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
    import_.set_defaults(handler=cmd_import)
    report_ = commands.add_parser(
        "report", help="leaders' summary PDF of the province, one commune's sheet, or the official report"
    )
    report_.add_argument("--out", type=_out, required=True, help="PDF file to write (.pdf or .docx with --official)")
    report_.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    report_.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language (default: vi)")
    report_.add_argument("--commune", help="one commune's one-page sheet; code with or without leading zeros (70)")
    report_.add_argument(
        "--official",
        action="store_true",
        help="the official report (Nghị định 30/2020/NĐ-CP) as PDF or Word, by the extension of --out",
    )
    report_.add_argument("--number", help="the official report's number, as in 'Số: 12/BC-SKHCN' (default: blank)")
    report_.set_defaults(handler=cmd_report)

    export_ = commands.add_parser("export", help="Excel: consolidated table of all communes, or the warning list")
    export_.add_argument("--out", type=_out, required=True, help="XLSX file to write")
    export_.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    export_.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language (default: vi)")
    export_.add_argument("--warning-list", action="store_true", help="export this week's warning list instead")
    export_.set_defaults(handler=cmd_export)

    warnings_ = commands.add_parser("warnings", help="the weekly warning list: send it by e-mail")
    warning_actions = warnings_.add_subparsers(dest="warnings_command", required=True)
    send = warning_actions.add_parser(
        "send",
        help="mail this week's warning list to READINESS_WARNING_RECIPIENTS and to the listed communes' accounts",
    )
    send.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today); the week is the one of this day")
    send.add_argument("--dry-run", action="store_true", help="list who would get what; send and record nothing")
    send.add_argument("--resend", action="store_true", help="send again to recipients already sent this week")
    add_as_option(send)
    send.set_defaults(handler=cmd_warnings_send)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
