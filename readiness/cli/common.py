"""What every command shares: dates and paths as arguments, acting as an account, one transaction, refusals."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlmodel import Session

    from readiness.access.permissions import Actor, Refusal

T = TypeVar("T")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from exc


def acting_as(name: str | None) -> Actor:
    """The rights a command runs with: the operator's (admin), or exactly those of the account given by --as."""
    from readiness.access import auth
    from readiness.access.auth import OPERATOR
    from readiness.core import db

    if name is None:
        return OPERATOR
    with db.session() as session:
        return auth.acting_as(session, name)


def act(as_name: str | None, call: Callable[[Session, Actor], T], *, write: bool = False) -> T:
    """The skeleton of a command: prepare the database (bootstrap.init), take the rights it runs with (--as NAME, or
    the operator's), and run `call(session, actor)` in one transaction, a write transaction when `write`: the
    command line owns the transaction, readiness/ only takes the session. A refusal is raised on to main(), which
    prints it (`refused`) and exits with status 1, having changed nothing."""
    from readiness.core import db

    actor = prepared_actor(as_name)
    with db.write_session() if write else db.session() as session:
        return call(session, actor)


def prepared_actor(as_name: str | None) -> Actor:
    """The database prepared (bootstrap.init) and the rights a command runs with, for commands that open their own
    transactions (the importers: one per file)."""
    from readiness import bootstrap

    bootstrap.init()
    return acting_as(as_name)


def missing_files(command: str, paths: list[Path]) -> bool:
    """Say on stderr which of `paths` are not files (the command then exits 2, having read nothing)."""
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"{command}: no such file: {', '.join(missing)}", file=sys.stderr)
    return bool(missing)


def add_as_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="act with exactly the rights of this account (default: the operator, with admin rights)",
    )


def add_province_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--province",
        metavar="CODE",
        help="national mode, national account: one province (e.g. 01) instead of the whole country; "
        "a province account always reads its own",
    )


def province_of(actor: Actor, args: argparse.Namespace) -> str:
    """The province a command reads for `actor`: its scope, or the --province a national account asked for."""
    from readiness.access.permissions import readable_province

    return readable_province(actor, args.province)


def read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def refused(exc: Refusal) -> int:
    print(f"error: {exc.en}", file=sys.stderr)
    return 1


def out_path(text: str) -> Path:
    path = Path(text)
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(
            f"folder {str(path.parent)!r} does not exist: create it or choose another --out"
        )
    return path
