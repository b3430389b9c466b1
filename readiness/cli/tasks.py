"""The Resolution 57 task register: plan and progress workbooks, completions, extensions, the list and the
steering committee's summary."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from readiness.cli.common import (
    act,
    add_as_option,
    add_province_option,
    missing_files,
    out_path,
    parse_date,
    prepared_actor,
    province_of,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from readiness.access.permissions import Actor

T = TypeVar("T")
_CLASSES = ["on_time", "late", "within", "overdue", "continuous"]
_LEVELS = ["Trung ương", "Tỉnh"]


def cmd_template(args: argparse.Namespace) -> int:
    from readiness.intake import task_workbook

    data = act(None, lambda session, actor: task_workbook.plan_template(session, province_of(actor, args)))
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes).")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from readiness.intake import task_workbook

    data = act(args.as_name, lambda session, actor: task_workbook.progress_workbook(session, actor, args.unit))
    args.out.write_bytes(data)
    print(f"Wrote {args.out} ({len(data):,} bytes).")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Exit status 0 only when every file was accepted."""
    from readiness.core.i18n import tr
    from readiness.intake import task_import
    from readiness.intake.excel import Outcome

    if missing_files("readiness tasks import", args.files):
        return 2
    if args.evidence_dir and not args.evidence_dir.is_dir():
        print(f"readiness tasks import: no such directory: {args.evidence_dir}", file=sys.stderr)
        return 2
    actor = prepared_actor(args.as_name)
    # The evidence files a progress workbook names lie next to it, unless --evidence-dir says where.
    folders = [args.evidence_dir] if args.evidence_dir else list(dict.fromkeys(p.resolve().parent for p in args.files))
    outcomes = task_import.import_files(
        [(p.name, p.read_bytes()) for p in args.files], actor, args.dry_run, task_import.in_directories(folders)
    )
    lang = args.lang
    for outcome in outcomes:
        if args.json:
            print(json.dumps(outcome.to_dict(lang), ensure_ascii=False))
            continue
        if outcome.outcome == Outcome.REJECTED:
            print(
                tr(lang, "BỊ TỪ CHỐI", "REJECTED")
                + f" {outcome.filename}: "
                + tr(
                    lang,
                    f"{len(outcome.problems)} lỗi, không ghi gì",
                    f"{len(outcome.problems)} problem(s), nothing stored",
                )
            )
            for problem in outcome.problems:
                where = f"{problem.sheet}!{problem.cell}" if problem.cell else tr(lang, "tệp", "file")
                print(f"  {where}: {problem.message(lang)}")
            continue
        verb = {
            Outcome.ACCEPTED: tr(lang, "HỢP LỆ (chạy thử, chưa ghi)", "VALID (dry run, nothing written)")
            if args.dry_run
            else tr(lang, "ĐÃ NHẬN", "ACCEPTED"),
            Outcome.DUPLICATE: tr(lang, "TRÙNG (đã nhập trước đó)", "DUPLICATE (imported before)"),
        }[outcome.outcome]
        print(
            f"{verb} {outcome.filename}: "
            + tr(
                lang,
                f"{outcome.created} nhiệm vụ mới, {outcome.updated} cập nhật, {outcome.progress} báo cáo tiến độ, "
                f"{outcome.completions} báo cáo hoàn thành, {outcome.evidence} tệp minh chứng",
                f"{outcome.created} new tasks, {outcome.updated} updated, {outcome.progress} progress reports, "
                f"{outcome.completions} completions, {outcome.evidence} evidence files",
            )
        )
    return 0 if all(o.outcome == Outcome.ACCEPTED for o in outcomes) else 1


def cmd_done(args: argparse.Namespace) -> int:
    from readiness.core.task_models import TaskCompletion
    from readiness.intake import tasks

    def done(session: Session, actor: Actor) -> tuple[int, str]:
        completion = tasks.complete(session, actor, args.code, args.on, args.result or "")
        if args.evidence:
            tasks.add_evidence(session, actor, args.code, args.evidence.name, args.evidence.read_bytes(), completion)
        return completion, session.get(TaskCompletion, completion).review_status

    completion, status = act(args.as_name, done, write=True)
    print(f"Task {tasks.normal_code(args.code)} done on {args.on.isoformat()} (completion {completion}, {status}).")
    return 0


def cmd_extend(args: argparse.Namespace) -> int:
    from readiness.intake import tasks

    act(
        args.as_name,
        lambda session, actor: tasks.extend(session, actor, args.code, args.to, args.decision, args.decision_date),
        write=True,
    )
    print(f"Task {tasks.normal_code(args.code)}: deadline extended to {args.to.isoformat()} by {args.decision}.")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from readiness.intake import tasks

    approve = args.decision == "approve"
    act(
        args.as_name,
        lambda session, actor: tasks.review_completion(session, actor, args.completion, approve, args.reason or ""),
        write=True,
    )
    print(f"Completion {args.completion}: {'approved' if approve else 'returned'}.")
    return 0


def _as_of(args: argparse.Namespace):
    from readiness.core.i18n import today

    return args.as_of or today()


def _read_register(args: argparse.Namespace, read: Callable[[Session, Actor], T]) -> T:
    """`read(session, actor)` for the account of --as (or the operator), once it may view the task register."""
    from readiness.access.permissions import Permission, require

    def checked(session: Session, actor: Actor) -> T:
        require(actor, Permission.VIEW_TASKS)
        return read(session, actor)

    return act(args.as_name, checked)


def cmd_list(args: argparse.Namespace) -> int:
    from readiness.reading import tasks as register

    as_of = _as_of(args)
    unit = args.unit.upper() if args.unit else None
    frame = _read_register(
        args,
        lambda session, actor: register.register(
            session, as_of, unit=unit, task_class=args.cls, province=province_of(actor, args)
        ),
    )
    rows = [
        {
            "code": row.code,
            "content": row.content,
            "level": str(row.level),
            "objective": row.objective,
            "lead_unit": row.lead_unit_code,
            "deadline": row.deadline_as_of.isoformat() if row.deadline_as_of else None,
            "done_on": row.done_on.isoformat() if row.done_on else None,
            "class": row.task_class,
            "days": None if row.days is None or row.days != row.days else int(row.days),
        }
        for row in frame.astype(object).where(frame.notna(), None).itertuples()
    ]
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "tasks": rows}, ensure_ascii=False))
        return 0
    for row in rows:
        print(
            f"{row['code']:<14} {row['class']:<10} {row['lead_unit']:<8} {row['deadline'] or '—':<10} {row['content']}"
        )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from readiness.reading import tasks as register

    as_of = _as_of(args)
    frame = _read_register(
        args,
        lambda session, actor: register.register(session, as_of, level=args.level, province=province_of(actor, args)),
    )
    summary = register.summary(frame, as_of)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    done, going = summary["done"], summary["in_progress"]
    print(
        f"As of {summary['as_of']}: {summary['total']} tasks; done {done['total']} (on time {done['on_time']}, "
        f"late {done['late']}); in progress {going['total']} (within {going['within']}, overdue {going['overdue']}); "
        f"continuous {summary['continuous']}."
    )
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("tasks", help="the Resolution 57 task register: plan, progress, completions, summary")
    actions = group.add_subparsers(dest="tasks_command", required=True)

    template = actions.add_parser("template", help="write the empty plan workbook (.xlsx)")
    template.add_argument("--out", type=out_path, required=True, metavar="FILE.xlsx")
    add_province_option(template)
    template.set_defaults(handler=cmd_template)

    progress = actions.add_parser("progress", help="write a unit's progress workbook, its tasks pre-filled")
    progress.add_argument("--unit", required=True, metavar="CODE", help="the unit's code (readiness units list)")
    progress.add_argument("--out", type=out_path, required=True, metavar="FILE.xlsx")
    add_as_option(progress)
    progress.set_defaults(handler=cmd_progress)

    import_ = actions.add_parser("import", help="check and import plan or progress workbooks, each all-or-nothing")
    import_.add_argument("files", nargs="+", type=Path, metavar="FILE")
    import_.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    import_.add_argument("--json", action="store_true", help="print one JSON object per file, one per line")
    import_.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the messages")
    import_.add_argument(
        "--evidence-dir",
        type=Path,
        metavar="DIR",
        help="where the evidence files named in progress workbooks are (default: next to each workbook)",
    )
    add_as_option(import_)
    import_.set_defaults(handler=cmd_import)

    done = actions.add_parser("done", help="record a task done (a unit's report waits for review)")
    done.add_argument("code")
    done.add_argument("--on", type=parse_date, required=True, metavar="YYYY-MM-DD", help="the day it was done")
    done.add_argument("--result", metavar="TEXT")
    done.add_argument("--evidence", type=Path, metavar="FILE", help="a PDF, JPEG or PNG")
    add_as_option(done)
    done.set_defaults(handler=cmd_done)

    extend = actions.add_parser("extend", help="record a deadline extended by a decision (never overwrites)")
    extend.add_argument("code")
    extend.add_argument("--to", type=parse_date, required=True, metavar="YYYY-MM-DD", help="the new deadline")
    extend.add_argument("--decision", required=True, metavar="NUMBER", help="the decision's number, e.g. 123/QĐ-UBND")
    extend.add_argument("--decision-date", type=parse_date, required=True, metavar="YYYY-MM-DD")
    add_as_option(extend)
    extend.set_defaults(handler=cmd_extend)

    review = actions.add_parser("review", help="approve or return a pending completion")
    review.add_argument("completion", type=int, metavar="ID")
    review.add_argument("decision", choices=["approve", "return"])
    review.add_argument("--reason", metavar="TEXT", help="required to return it")
    add_as_option(review)
    review.set_defaults(handler=cmd_review)

    listing = actions.add_parser("list", help="the tasks with their class as of a day")
    listing.add_argument("--unit", metavar="CODE", help="only the tasks this unit leads")
    listing.add_argument("--class", dest="cls", choices=_CLASSES)
    listing.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD", help="default: today, Vietnam time")
    listing.add_argument("--json", action="store_true")
    add_province_option(listing)
    add_as_option(listing)
    listing.set_defaults(handler=cmd_list)

    summary = actions.add_parser("summary", help="the steering committee's table: done on time/late, in progress")
    summary.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD", help="default: today, Vietnam time")
    summary.add_argument("--level", choices=_LEVELS)
    summary.add_argument("--json", action="store_true")
    add_province_option(summary)
    add_as_option(summary)
    summary.set_defaults(handler=cmd_summary)
