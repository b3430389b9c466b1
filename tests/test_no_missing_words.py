"""No page shows a missing value as "None", "nan" or "NaT": every page, for every role, on the demo data (a blank
figure reads "–"). What is drawn is checked: texts, metrics and the shown columns of every table (a table cell
without a value is drawn as "None")."""

import ast
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import APP, account, log_in, shown
from streamlit.testing.v1 import AppTest

from readiness.access.permissions import Permission, allowed
from readiness.core.models import Role

AS_OF = date(2025, 10, 20)  # overdue criteria, reviews pending and done, months of history
MISSING = re.compile(r"\b(None|nan|NaN|NaT)\b")


def _pages() -> list[tuple[str, Permission | None]]:
    """app.PAGES (path and the permission needed), read from app.py without running it."""
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    pages = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "PAGES")
    return [
        (page.elts[0].value, Permission[page.elts[4].attr] if isinstance(page.elts[4], ast.Attribute) else None)
        for page in pages.elts
    ]


def _national_only() -> set[str]:
    """app.NATIONAL_ONLY: pages a single-province installation (the demo's) does not have."""
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    found = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "NATIONAL_ONLY")
    return {element.value for element in found.elts}


def _drawn(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) for everything drawn as text."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [(kind, str(e.value)) for e in getattr(at, kind)]
    for metric in at.metric:
        texts += [("metric", f"{metric.label}: {metric.value} {metric.delta or ''}")]
    for index, frame in enumerate(at.dataframe):
        table = shown(frame)
        for column in table.columns:
            values = table[column]
            blank = values.isna() if not isinstance(values, pd.DataFrame) else values.isna().any(axis=1)
            texts += [(f"table {index}, column {column!r}", "None") for _ in values[blank]]
            texts += [(f"table {index}, column {column!r}", str(v)) for v in values[~blank]]
    return texts


@pytest.mark.page
@pytest.mark.parametrize("role", list(Role))
def test_no_page_draws_none_nan_or_nat(demo_sqlite, role):
    actor = account(role, "00070" if role == Role.COMMUNE else None, "SKHCN" if role == Role.UNIT else None)
    found = []
    for path, permission in _pages():
        if permission is not None and not allowed(actor, permission, actor.commune_code):
            continue
        if path in _national_only():
            continue
        at = log_in(AppTest.from_file(APP, default_timeout=60), actor)
        at.session_state["as_of"] = AS_OF
        at.run()
        if path != "pages/overview.py" or role == Role.COMMUNE:
            at.switch_page(path).run()
        assert not at.exception, (path, at.exception)
        found += [f"{path} · {where}: {text[:80]}" for where, text in _drawn(at) if MISSING.search(text)]
    assert found == [], "\n".join(sorted(set(found)))
