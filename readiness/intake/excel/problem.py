"""A problem found in a received file or form: where it is and what to do, in Vietnamese and English."""

from typing import Any, NamedTuple

from readiness.core.i18n import tr

# Problems kept per file (listed, archived); the rest are counted. Nobody fixes a file from its 201st message.
MAX_PROBLEMS = 200


class Problem(NamedTuple):
    """One thing wrong with a received file: where (sheet, cell; empty for the file as a whole) and what."""

    sheet: str
    cell: str
    vi: str
    en: str

    def message(self, lang: str) -> str:
        return tr(lang, self.vi, self.en)


def file_problem(vi: str, en: str, **values: Any) -> Problem:
    """A problem with the file as a whole; `vi` and `en` are formatted with `values`."""
    return Problem("", "", vi.format(**values), en.format(**values))
