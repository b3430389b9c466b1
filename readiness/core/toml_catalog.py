"""Reviewed TOML files of [[entries]] (the criteria catalog, the units file): read, each entry validated, every
problem of the file reported at once, one per line, naming the entry (number and code) and the field."""

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

T = TypeVar("T")


def load(
    path: Path,
    table: str,
    what: str,
    error: type[ValueError],
    validate: Callable[[int, dict], T],
    *,
    unique: Mapping[str, Callable[[T], object]],
    fields: set[str] | None = None,
    rules: Callable[[T], list[tuple[str, str]]] = lambda _: [],
    shown: Callable[[object], str] = str,
    inherited: tuple[str, ...] = (),
) -> list[T]:
    """The [[`table`]] entries of `path`, each `validate(number, row)`d (numbered from 1), or `error` naming every
    problem: the file missing (as `what`) or not TOML, no entries, a field not among `fields` (when given), what the
    model refuses, what `rules` (field, message) find in a valid entry, and a value of `unique` (label: key of an
    entry, its value written with `shown`) used more than once. `inherited`: top-level keys of the file that each
    entry takes unless it gives its own."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{path}: {what} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc})") from exc
    rows = data.get(table)
    if not isinstance(rows, list) or not rows:
        raise error(f"{path}: no [[{table}]] entries")

    problems: list[str] = []
    entries: list[T] = []
    defaults = {key: data[key] for key in inherited if key in data}
    for number, row in enumerate(rows, start=1):
        where = f"{path.name}: {table} #{number} ({row.get('code', 'no code')})"
        row = defaults | row
        found = [(key, "unknown field") for key in sorted(set(row) - fields)] if fields is not None else []
        try:
            entry = validate(number, row)
        except ValidationError as exc:
            found += [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        else:
            found += rules(entry)
            entries.append(entry)
        problems += [f"{where}, field '{field}': {message}" for field, message in found]
    for label, key in unique.items():
        keys = [key(entry) for entry in entries]
        problems += [
            f"{path.name}: {label} {shown(k)} is used more than once" for k in sorted(set(keys)) if keys.count(k) > 1
        ]
    if problems:
        raise error("\n".join(problems))
    return entries
