"""The `readiness` command: the app's features for operators and scripts.

Each command imports what it needs when it runs (pandas, openpyxl, fpdf, altair and the database layer take a
second or more and 200 MB to load): `readiness --help` and a mistyped option answer at once.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from readiness.cli import (
    boundaries,
    checklists,
    evidence,
    failures,
    national,
    outputs,
    review,
    setup,
    tasks,
    tokens,
    units,
    users,
)
from readiness.cli.common import acting_as, refused

__all__ = ["acting_as", "build_parser", "main"]

# Each module adds its commands; `readiness --help` lists them in this order.
COMMAND_GROUPS = (setup, users, tokens, national, boundaries, review, evidence, checklists, outputs, units, tasks)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="readiness", description=__doc__)
    parser.add_argument(
        "--debug", action="store_true", help="on a failure, print its detail (traceback, SQL) to standard error"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    failures.configure_logging(args.debug)
    # Loaded after parsing: --help and a mistyped option answer without the database layer.
    from readiness.access.permissions import Refusal

    try:
        return args.handler(args)
    except Refusal as exc:
        return refused(exc)
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            return failures.database_failure(exc)
        raise
