"""The DOST's review: list, approve, return submissions."""

from __future__ import annotations

import argparse
import json
import sys

from readiness.cli.common import act, add_as_option
from readiness.core.enums import ReviewStatus


def cmd_review_list(args: argparse.Namespace) -> int:
    from readiness.intake import review
    from readiness.outputs.views import records

    status = ReviewStatus(args.status) if args.status else None
    frame = act(args.as_name, lambda session, actor: review.submissions(session, actor, status))
    rows = records.review_rows(frame)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        reason = f"  {row['reason']}" if row["reason"] else ""
        flagged = f"  [{', '.join(row['flags'])}]" if row["flags"] else ""
        print(
            f"{row['id']:>7} {row['commune_code']} {row['reporting_date']} {row['origin']:<18} {row['status']}"
            f"{flagged}{reason}"
        )
    return 0


def cmd_review_decide(args: argparse.Namespace) -> int:
    from readiness.intake import review

    if args.review_command == "approve":
        act(args.as_name, lambda session, actor: review.approve(session, actor, args.id), write=True)
    else:
        act(
            args.as_name,
            lambda session, actor: review.return_submission(session, actor, args.id, args.reason or "", args.criteria),
            write=True,
        )
    print(f"Submission {args.id} {'approved' if args.review_command == 'approve' else 'returned'}.")
    return 0


def cmd_review_approve_unflagged(args: argparse.Namespace) -> int:
    from readiness.intake import review

    approved = act(
        args.as_name,
        lambda session, actor: review.approve_unflagged(session, actor, commune_code=args.commune),
        write=True,
    )
    print(json.dumps(approved))
    return 0


def _approve(args: argparse.Namespace) -> int:
    if args.all_unflagged:
        return cmd_review_approve_unflagged(args)
    if args.id is None:
        print("Give a submission id, or --all-unflagged.", file=sys.stderr)
        return 2
    return cmd_review_decide(args)


def register(commands: argparse._SubParsersAction) -> None:
    review_ = commands.add_parser("review", help="the DOST's review: list, approve, return submissions")
    actions = review_.add_subparsers(dest="review_command", required=True)
    list_ = actions.add_parser("list", help="submissions with their review status, oldest first")
    list_.add_argument("--status", choices=[str(s) for s in ReviewStatus], help="only this status")
    list_.add_argument("--json", action="store_true", help="print a JSON array")
    add_as_option(list_)
    list_.set_defaults(handler=cmd_review_list)
    approve = actions.add_parser("approve", help="approve a pending submission, or every one without a flag")
    approve.add_argument("id", type=int, nargs="?")
    approve.add_argument(
        "--all-unflagged",
        action="store_true",
        help="approve every pending submission without a review flag (not those sent by yourself); prints the "
        "approved ids as JSON",
    )
    approve.add_argument("--commune", metavar="CODE", help="with --all-unflagged: only this commune's")
    add_as_option(approve)
    approve.set_defaults(handler=_approve)
    return_ = actions.add_parser("return", help="return a pending submission to its commune, with a reason")
    return_.add_argument("id", type=int)
    return_.add_argument("--reason", help="why (required): what the commune must fix")
    return_.add_argument("--criteria", nargs="*", default=[], metavar="CODE", help="the criteria concerned")
    add_as_option(return_)
    return_.set_defaults(handler=cmd_review_decide)
