"""Text normalisation: every Vietnamese string is stored in NFC; matching ignores case, spaces and diacritics."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC with single spaces: decomposed tone marks render misplaced in PDFs and break equality."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics ("Phường Hoàn Kiếm" -> "phuong hoan kiem"), for search and matching."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def short_name(name: str, kind: str) -> str:
    """The name without its kind ("Phường Hoàn Kiếm" -> "Hoàn Kiếm"), for tight labels such as map tiles."""
    prefix = f"{kind} "
    return name[len(prefix) :] if name.lower().startswith(prefix.lower()) else name
