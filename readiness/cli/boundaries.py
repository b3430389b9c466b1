"""Boundary files for the maps: load, status."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from readiness.cli.common import act, add_as_option
from readiness.cli.progress import add_quiet_option, progress_bar
from readiness.core.i18n import LANGUAGES

if TYPE_CHECKING:
    from readiness.intake import geo


def cmd_boundaries_load(args: argparse.Namespace) -> int:
    from readiness.core.i18n import Bilingual
    from readiness.intake import geo

    try:
        content = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        with progress_bar(args, "Loading boundaries") as told:
            loaded = act(
                args.as_name,
                lambda session, actor: geo.load_boundaries(session, actor, content, args.level, told),
                write=True,
            )
    except Bilingual as exc:
        print(f"error: {args.file}: {exc.message(args.lang)}", file=sys.stderr)
        return 1
    print(_boundary_report(loaded, args.lang))
    return 0


def _boundary_report(loaded: geo.Report, lang: str) -> str:
    """The same matching report as the boundaries page."""
    from readiness.core.i18n import tr
    from readiness.intake import geo

    areas = tr(lang, "xã, phường", "communes") if loaded.level == geo.Level.COMMUNE else tr(lang, "tỉnh", "provinces")
    lines = [
        tr(
            lang,
            f"Đã lưu ranh giới: {loaded.matched} {areas} ghép được.",
            f"Boundaries saved: {loaded.matched} {areas} matched.",
        ),
        tr(
            lang,
            f"Đối tượng không ghép được: {len(loaded.unmatched_features)}",
            f"Features not matched: {len(loaded.unmatched_features)}",
        ),
        *(f"  {label}" for label in loaded.unmatched_features),
        tr(
            lang,
            f"{areas.capitalize()} thiếu ranh giới: {len(loaded.without_boundary)}",
            f"{areas.capitalize()} without a boundary: {len(loaded.without_boundary)}",
        ),
        *(
            f"  {code} {name}"
            for code, name in zip(loaded.without_boundary["code"], loaded.without_boundary["name"], strict=True)
        ),
    ]
    if loaded.conflicts:
        lines.append(
            tr(
                lang,
                f"Mã và tên không khớp nhau (ghép theo tên): {len(loaded.conflicts)}",
                f"Code and name disagree (matched by name): {len(loaded.conflicts)}",
            )
        )
        lines += [f"  {geo.conflict_text(conflict, lang)}" for conflict in loaded.conflicts]
    if loaded.notes:
        lines.append(
            tr(
                lang,
                f"Hình đã sửa hoặc bỏ qua: {len(loaded.notes)}",
                f"Shapes repaired or left out: {len(loaded.notes)}",
            )
        )
        lines += [f"  {note.text(lang)}" for note in loaded.notes]
    return "\n".join(lines)


def cmd_boundaries_status(args: argparse.Namespace) -> int:
    from readiness.core.settings import get_settings
    from readiness.intake import geo

    province = get_settings().province
    loaded, scope = act(
        None,
        lambda session, _: (
            geo.status(session, province, args.level),
            geo.areas(session, geo.Level(args.level), province),
        ),
    )
    if loaded is None:
        loaded = geo.Report(geo.Level(args.level), 0, [], scope[["code", "name"]], [], [])
    if args.json:
        prefix = "communes" if loaded.level == geo.Level.COMMUNE else "provinces"
        data = {
            f"{prefix}_with_boundary": loaded.matched,
            f"{prefix}_without": loaded.without_boundary["code"].tolist(),
            "unmatched_features": loaded.unmatched_features,
            "conflicts": loaded.conflicts,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(_boundary_report(loaded, args.lang).split("\n", 1)[1])
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    boundaries = commands.add_parser("boundaries", help="boundary GeoJSON for the maps: load, status")
    actions = boundaries.add_subparsers(dest="action", required=True)
    levels = ["commune", "province"]  # geo.Level, not imported here: --help stays fast
    load = actions.add_parser("load", help="check, normalise and store a boundary file (replaces the previous one)")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--level", choices=levels, default="commune", help="communes (default) or the 34 provinces")
    load.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language of the messages")
    add_as_option(load)
    add_quiet_option(load)
    load.set_defaults(handler=cmd_boundaries_load)
    status = actions.add_parser("status", help="what the stored boundary file matches")
    status.add_argument("--level", choices=levels, default="commune", help="communes (default) or the 34 provinces")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.add_argument("--lang", choices=list(LANGUAGES), default="vi", help="language of the messages")
    status.set_defaults(handler=cmd_boundaries_status)
