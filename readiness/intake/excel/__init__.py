"""The Excel round trip: templates people fill in, and the import that checks, stores and archives them (also for
the same checklist typed in the web form)."""

from readiness.intake.excel.importer import (
    ImportOutcome,
    Outcome,
    check_files,
    check_form,
    confirm,
    confirm_files,
    describe,
    import_files,
    load_context,
)
from readiness.intake.excel.layout import Kind
from readiness.intake.excel.problem import MAX_PROBLEMS, Problem
from readiness.intake.excel.template import UnknownCommune, commune_checklist, province_workbook

__all__ = [
    "MAX_PROBLEMS",
    "ImportOutcome",
    "Kind",
    "Outcome",
    "Problem",
    "UnknownCommune",
    "check_files",
    "check_form",
    "commune_checklist",
    "confirm",
    "confirm_files",
    "describe",
    "import_files",
    "load_context",
    "province_workbook",
]
