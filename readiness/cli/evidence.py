"""Evidence files per commune and criterion."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from readiness.cli.common import act, add_as_option


def cmd_evidence_add(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"readiness evidence: no such file: {args.file}", file=sys.stderr)
        return 2
    from readiness.intake import evidence

    content = args.file.read_bytes()
    evidence_id = act(
        args.as_name,
        lambda session, actor: evidence.add(session, actor, args.commune, args.criterion, args.file.name, content),
        write=True,
    )
    print(f"Evidence file {evidence_id} stored for commune {args.commune}, criterion {args.criterion.upper()}.")
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    from readiness.intake import evidence

    frame = act(args.as_name, lambda session, actor: evidence.files(session, actor, args.commune))
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


def register(commands: argparse._SubParsersAction) -> None:
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
