"""Every setting is documented in README's configuration table."""

import re
from pathlib import Path

from readiness.core.settings import Settings

README = Path(__file__).parents[1] / "README.md"


def documented_settings() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `READINESS_"):
            first_cell = line.split("|")[1]
            names |= {name.lower() for name in re.findall(r"`READINESS_([A-Z0-9_]+)`", first_cell)}
    return names


def test_every_setting_is_in_the_readme_configuration_table():
    documented = documented_settings()
    assert "database_url" in documented  # the table is found and read
    assert set(Settings.model_fields) - documented == set()


def test_the_table_names_no_setting_that_does_not_exist():
    assert documented_settings() - set(Settings.model_fields) == set()
