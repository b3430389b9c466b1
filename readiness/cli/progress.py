"""A progress bar on standard error for the commands' long work (rich), given to readiness/ as its `progress`
callback (readiness.core.progress). Shown only when standard error is a terminal and --quiet is not given: output
piped or redirected, and standard output above all (--json), stays exactly as without it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readiness.core.progress import Progress


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar on standard error")


@contextmanager
def progress_bar(args: argparse.Namespace, doing: str) -> Iterator[Progress | None]:
    """`doing` ("Importing") with a bar, steps done of all, time spent and the step just done, until the block
    ends; None (no bar) when quiet or when standard error is not a terminal."""
    if args.quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # Standard output is left alone: rich would otherwise route what the command prints through its own console.
    with Progress(
        *columns,
        TextColumn("{task.fields[what]}"),
        console=Console(file=sys.stderr),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(doing, total=None, what="")

        def told(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, what=what)

        yield told
