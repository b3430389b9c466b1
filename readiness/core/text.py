"""Text normalisation: every Vietnamese string is stored in NFC; matching ignores case, spaces and diacritics."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC with single spaces: decomposed tone marks render misplaced in PDFs and break equality."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def nfc_lines(text: str) -> str:
    """NFC keeping line breaks (a comment, a reason): spaces collapsed within each line, blank edges removed."""
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in lines).strip()


def fold(text: str) -> str:
    """Lower case without diacritics ("Phường Hoàn Kiếm" -> "phuong hoan kiem"), for search and matching."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def short_name(name: str, kind: str) -> str:
    """The name without its kind ("Phường Hoàn Kiếm" -> "Hoàn Kiếm"), for tight labels such as map tiles."""
    prefix = f"{kind} "
    return name[len(prefix) :] if name.lower().startswith(prefix.lower()) else name


# What no one types into a cell, per class. Control characters (C0 but tab and line breaks, DEL, C1: NUL, the
# escape of ANSI colour codes, the backspace of openpyxl's "_x0008_") and lone surrogates break exports and
# PostgreSQL; bidi embeddings, overrides and isolates make text display other than it reads ("Trojan Source"):
# all refused with a message. Zero-width spaces and joiners, the word joiner, the byte order mark, soft hyphens
# and direction marks are invisible leftovers of copy and paste that change nothing a reader sees: removed.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def sanitize(text: str) -> tuple[str, list[str]]:
    """The text without refused or invisible characters, and the refused ones found ("U+0008"), each once."""
    found = list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _REFUSED.findall(text)))
    return _INVISIBLE.sub("", _REFUSED.sub("", text)), found


def printable(text: str) -> str:
    """The text without refused or invisible characters: what exports, PDFs and logs may write."""
    return sanitize(text)[0]
