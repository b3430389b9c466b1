"""Progress of long work, told to whoever shows it: readiness/ never prints or draws. A page passes a progress bar
(ui.ProgressBar), the command line one on standard error (readiness.cli.progress); tests and scripts pass nothing."""

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Progress = Callable[[int, int, str], None]
"""Called as work goes: steps done, steps in all, and what the step just done was (a file name, a commune, a
sheet)."""

T = TypeVar("T")


def tell(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


def each(items: Sequence[T], progress: Progress | None, what: Callable[[T], str] = str) -> Iterator[T]:
    """The items one by one; after each is dealt with (when the loop asks for the next), `progress` is told."""
    for done, item in enumerate(items, start=1):
        yield item
        tell(progress, done, len(items), what(item))
