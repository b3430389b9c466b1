"""The web form: a commune's criteria typed in the browser instead of a checklist workbook. Read by the same value
parsing as the checklist (values.py: same rules, same messages) into the same `Reading`, then imported through
the same steps as an uploaded file (importer.check_form, then importer.confirm) with origin `web`.

A form is archived like a file, as its JSON (kind WEB_FORM), so that nothing received is lost.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from readiness.core import registry
from readiness.core.criteria import criteria
from readiness.core.i18n import format_date, today
from readiness.core.models import Commune, Criterion, CriterionKind, ResultBase
from readiness.core.text import nfc
from readiness.intake.excel import layout
from readiness.intake.excel.problem import Problem
from readiness.intake.excel.table import Context, Reading, Report
from readiness.intake.excel.template import UnknownCommune, latest_report
from readiness.intake.excel.values import (
    NO_VALUES,
    Refused,
    parse_reporting_date,
    parse_value,
    reporter_text,
    safe_text,
)

WEB_FORM = "web_form"  # ImportFile.kind of an archived form
SHEET = "Nhập trên web"  # where a form's problems stand, as a workbook's stand on a sheet


@dataclass(frozen=True)
class FormRow:
    """One criterion as typed: the same columns as the checklist's, as text."""

    criterion_code: str
    value: str = ""
    out_of: str = ""
    evidence: str = ""
    note: str = ""


@dataclass(frozen=True)
class WebForm:
    commune_code: str
    reporting_date: date | str
    reporter_name: str = ""
    reporter_phone: str = ""
    rows: list[FormRow] = field(default_factory=list)

    def to_json(self) -> bytes:
        content = asdict(self)
        if isinstance(self.reporting_date, date):
            content["reporting_date"] = format_date(self.reporting_date, "vi")
        return json.dumps(content, ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "WebForm":
        content = json.loads(data)
        return cls(**{**content, "rows": [FormRow(**row) for row in content["rows"]]})


def prefill(session: Session, commune_code: str) -> WebForm:
    """The form of one commune, filled with its latest values as they would be typed, dated today."""
    code = registry.commune_code(commune_code)
    commune = session.get(Commune, code)
    if commune is None:
        raise UnknownCommune(f"commune {code} is unknown")
    latest = latest_report(session, commune)
    rows = []
    for criterion in criteria(session):
        if latest is None or criterion.code not in latest.results.index:
            rows.append(FormRow(criterion.code))
            continue
        stored = latest.results.loc[criterion.code]
        value, out_of = _typed(criterion, stored["value"], stored["out_of"])
        rows.append(FormRow(criterion.code, value, out_of, stored["evidence"] or "", stored["note"] or ""))
    reporter = latest.reporter if latest is not None else ("", "")
    return WebForm(code, today(), reporter[0] or "", reporter[1] or "", rows)


def _typed(criterion: Criterion, value: Any, out_of: Any) -> tuple[str, str]:
    """A stored value as a person types it: "Có", "120", "28" of "30", "85%"."""
    if value is None or value != value:
        return "", "" if out_of is None or out_of != out_of else _number(out_of)
    if criterion.kind == CriterionKind.YES_NO:
        return (layout.YES if value >= 1 else layout.NO), ""
    if criterion.kind == CriterionKind.RATIO and (out_of is None or out_of != out_of):
        return f"{_number(value * 100)}%", ""
    return _number(value), "" if out_of is None or out_of != out_of else _number(out_of)


def typed(value: str | float | bool | None) -> str:
    """A value sent as JSON (the API) as a person types it in the form: true/false as Có/Không, numbers the
    Vietnamese way (a JSON 1.5 is "1,5", never read as one thousand five hundred), text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    if isinstance(value, int | float):
        return _number(value)
    return value


def _number(value: float) -> str:
    """The Vietnamese way, without thousands separators: 1234,5."""
    return f"{float(value):.6f}".rstrip("0").rstrip(".").replace(".", ",")


def read_form(form: WebForm, context: Context) -> Reading:
    """What a form says, or every problem in it, placed at "criterion · column" as a checklist's at its cells."""
    reading = Reading(kind=layout.Kind.CHECKLIST, sheet=SHEET)
    problems: list[Problem] = []

    def text(value: str, where: str) -> str:
        cleaned, refused = safe_text(value)
        if refused:
            problems.append(Problem(SHEET, where, refused.vi, refused.en))
        return nfc(cleaned)

    def refused(where: str, reason: Refused) -> None:
        problems.append(Problem(SHEET, where, reason.vi, reason.en))

    reporting_date = form.reporting_date if isinstance(form.reporting_date, date) else text(form.reporting_date, "")
    day = parse_reporting_date(reporting_date, context.start_date, context.today)
    if isinstance(day, Refused):
        refused(layout.REPORTING_DATE_LABEL, day)
    else:
        reading.reporting_date = day

    def reporter(value: str, where: str) -> str:
        typed, too_long = reporter_text(text(value, where))
        if too_long:
            refused(where, too_long)
        return typed

    reading.reporter_name = reporter(form.reporter_name, layout.REPORTER_NAME_LABEL)
    reading.reporter_phone = reporter(form.reporter_phone, layout.REPORTER_PHONE_LABEL)

    typed = {row.criterion_code: row for row in form.rows}
    results = []
    for code, criterion in context.criteria.items():
        row = typed.get(code, FormRow(code))
        cells = {
            label: text(getattr(row, name), f"{code} · {label}")
            for name, label in (
                ("value", layout.VALUE_COLUMN),
                ("out_of", layout.OUT_OF_COLUMN),
                ("evidence", layout.EVIDENCE_COLUMN),
                ("note", layout.NOTE_COLUMN),
            )
        }
        parsed = parse_value(criterion, cells[layout.VALUE_COLUMN], cells[layout.OUT_OF_COLUMN])
        if isinstance(parsed, list):
            for reason in parsed:
                column = layout.OUT_OF_COLUMN if reason.in_out_of else layout.VALUE_COLUMN
                refused(f"{code} · {column}", reason)
            continue
        results.append(
            ResultBase(
                criterion_code=code,
                value=parsed[0],
                out_of=parsed[1],
                evidence=cells[layout.EVIDENCE_COLUMN],
                note=cells[layout.NOTE_COLUMN],
            )
        )
    if len(results) == len(context.criteria) and all(r.value is None for r in results):
        refused(layout.VALUE_COLUMN, NO_VALUES)

    if form.commune_code in context.communes:
        reading.reports.append(Report(form.commune_code, layout.COMMUNE_CODE_LABEL, results))
    else:
        problems.append(
            Problem(
                SHEET,
                layout.COMMUNE_CODE_LABEL,
                f"Xã/phường {form.commune_code} không thuộc {context.province_name}.",
                f"Commune {form.commune_code} is not in {context.province_name}.",
            )
        )
    reading.problems, reading.problem_count = problems, len(problems)
    return reading
