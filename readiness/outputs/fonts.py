"""The static Noto Serif files the official report is measured, drawn and charted with, made once from the
fontpkg-noto-serif package's variable fonts. Light to import: `readiness init` and the app's start make them, so
that no report waits for them."""

import os
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path

import fontpkg_noto_serif

from readiness.core.settings import get_settings

_INSTANCES = {
    "": ("NotoSerif", 400),
    "B": ("NotoSerif", 700),
    "I": ("NotoSerif-Italic", 400),
    "BI": ("NotoSerif-Italic", 700),
}


_UNICODES = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2300)]


@cache
def serif_files() -> dict[str, Path]:
    """Static Noto Serif files (regular, bold, italic, bold italic) made from the package's variable fonts once and
    kept in READINESS_CACHE_DIR: instancing a variable font costs seconds, reading a static one milliseconds."""
    folder = get_settings().cache_dir / f"noto-serif-{version('fontpkg-noto-serif')}"
    files = {style: folder / f"{name}-{weight}.ttf" for style, (name, weight) in _INSTANCES.items()}
    missing = {style: path for style, path in files.items() if not path.is_file()}
    if missing:
        from fontTools import subset
        from fontTools.ttLib import TTFont
        from fontTools.varLib import instancer

        folder.mkdir(parents=True, exist_ok=True)
        subsets: dict[str, TTFont] = {}
        for style, path in missing.items():
            name, weight = _INSTANCES[style]
            if name not in subsets:
                font = TTFont(fontpkg_noto_serif.ROOT / "files" / f"{name}[wdth,wght].ttf")
                # Latin with Vietnamese, punctuation and the symbols a report uses (≥, →, №, ₫): subsetting first
                # makes instancing fast; each variable file is subset once for its two weights.
                subsetter = subset.Subsetter(subset.Options(layout_features=["*"], notdef_outline=True))
                subsetter.populate(unicodes=_UNICODES)
                subsetter.subset(font)
                subsets[name] = font
            static = instancer.instantiateVariableFont(subsets[name], {"wght": weight, "wdth": 100}, inplace=False)
            # Written aside and renamed: another process making the same file never reads half of it.
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".ttf")
            os.close(handle)
            static.save(temporary)
            os.replace(temporary, path)
    return files
