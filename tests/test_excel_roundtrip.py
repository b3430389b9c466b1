"""Round trips: templates generated, filled programmatically, imported; the summary equals what was filled,
criterion by criterion and commune by commune."""

import json
import random
from datetime import date

from excel_fill import fill_checklist, fill_province, planned_values, typed_checklist_dates
from sqlalchemy import select

from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db
from readiness.core.criteria import criteria
from readiness.core.models import Result, Submission
from readiness.intake import excel
from readiness.reading import queries

AS_OF = date(2025, 11, 20)
STATUSES = ("green", "red", "grey")


def expected_summary(expected: dict[str, dict[str, str]], communes: list[str], codes: list[str]) -> tuple[dict, dict]:
    """Counts per commune and per criterion from the statuses planned when filling (unfilled = grey)."""
    status = {(m, c): expected.get(m, {}).get(c, "grey") for m in communes for c in codes}
    by_commune = {m: {s: sum(status[m, c] == s for c in codes) for s in STATUSES} for m in communes}
    by_criterion = {c: {s: sum(status[m, c] == s for m in communes) for s in STATUSES} for c in codes}
    return by_commune, by_criterion


def test_126_filled_checklists_import_and_the_summary_equals_what_was_filled(initialized, capsys):
    rng = random.Random(3)
    with db.session() as session:
        catalog = criteria(session)
        communes = queries.communes(session, "01")["code"].tolist()
        templates = {code: excel.commune_checklist(session, code, prefill=False) for code in communes}
    assert len(communes) == 126
    files, expected = [], {}
    for i, code in enumerate(communes):
        typed, expected[code] = planned_values(rng, catalog)
        if all(status == "grey" for status in expected[code].values()):
            typed[catalog[0].code], expected[code][catalog[0].code] = ("Có", None), "green"
        day = typed_checklist_dates()[i % len(typed_checklist_dates())]
        files.append((f"{code}.xlsx", fill_checklist(templates[code], day, typed)))

    outcomes = excel.import_files(files, OPERATOR)

    assert [(o.outcome, o.problems) for o in outcomes] == [(excel.Outcome.ACCEPTED, [])] * 126
    assert [o.commune_code for o in outcomes] == communes
    assert {o.reporting_date for o in outcomes} == {date(2025, 11, 15)}
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", AS_OF.isoformat()]) == 0
    summary = json.loads(capsys.readouterr().out)
    by_commune, by_criterion = expected_summary(expected, communes, [c.code for c in catalog])
    # Per commune, the status counts (the summary also carries timeliness counts, checked in their own tests).
    assert {m: {s: counts[s] for s in STATUSES} for m, counts in summary["by_commune"].items()} == by_commune
    assert summary["criteria"] == by_criterion
    assert summary["fully_green"] == sum(counts["green"] == 16 for counts in by_commune.values())


def test_province_workbook_round_trip(initialized):
    rng = random.Random(4)
    with db.session() as session:
        catalog = criteria(session)
        communes = queries.communes(session, "01")["code"].tolist()
        template = excel.province_workbook(session, "01")
    values, expected = {}, {}
    for code in communes[:100]:  # the last 26 communes leave their rows blank: not reported
        values[code], expected[code] = planned_values(rng, catalog)
        if all(status == "grey" for status in expected[code].values()):
            values[code][catalog[0].code], expected[code][catalog[0].code] = ("Có", None), "green"
    data = fill_province(template, "15/11/2025", values)

    (outcome,) = excel.import_files([("tong-hop.xlsx", data)], OPERATOR)

    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems
    assert outcome.kind == excel.Kind.PROVINCE
    assert outcome.communes == communes[:100]
    with db.session() as session:
        summary = queries.summary(session, AS_OF, "01")
        stored = session.execute(
            select(Submission.commune_code, Result.criterion_code).join(Result).where(Result.green)
        ).all()
        green_counts = dict(session.execute(select(Submission.commune_code, Submission.green_count)).all())
    by_commune, by_criterion = expected_summary(expected, communes, [c.code for c in catalog])
    # Per commune, the status counts (the summary also carries timeliness counts, checked in their own tests).
    assert {m: {s: counts[s] for s in STATUSES} for m, counts in summary["by_commune"].items()} == by_commune
    assert summary["criteria"] == by_criterion
    # One workbook, 100 communes: each result's stored green flag is its commune's planned status.
    planned = {(m, c) for m, statuses in expected.items() for c, status in statuses.items() if status == "green"}
    assert set(stored) == planned
    assert green_counts == {m: by_commune[m]["green"] for m in communes[:100]}
