"""The tables shown on a page, in the PDF and in Excel, each built once from query frames with its column spec.

commune_sheet   one commune's criteria        commune page, commune PDF sheet
lagging         the most lagging criteria     overview page, province PDF
lagging_communes  communes behind on one criterion   gaps page
criteria_gaps   every criterion's counts      province PDF
warning_list    this week's warning list      warning-list page, province PDF, warning-list workbook
import_preview  what an import would change   upload page
import_problems why a file was refused        upload page
audit_trail     the audit trail               audit page and its CSV and Excel downloads
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from readiness.i18n import (
    describe_status,
    format_count,
    format_days_early,
    format_target,
    kind_label,
    status_label,
    timeliness_label,
    total_gaps,
    tr,
    warning_reason,
)
from readiness.views.columns import Column, Table

if TYPE_CHECKING:
    from readiness.excel import Problem

CODE = Column("criterion_code", "Mã", "Code", page="small", pdf=11)
NAME = Column("name", "Tiêu chí", "Criterion", page="medium", pdf=56)
STATUS = Column("status_text", "Trạng thái", "Status", pdf=17, align="C")
VALUE = Column("value_text", "Giá trị", "Value", pdf=28)
TARGET = Column("target_text", "Chỉ tiêu", "Target", pdf=19)
DEADLINE = Column("deadline", "Hạn", "Deadline", kind="date")

COMMUNE_SHEET = Table(
    (
        CODE,
        NAME,
        STATUS,
        VALUE,
        TARGET,
        DEADLINE,
        Column("green_since", "Đạt từ ngày", "Green since", kind="date"),
        Column("days_text", "Sớm / trễ", "Early / late"),
        Column("timeliness_text", "Tiến độ so với hạn", "Against the deadline"),
        Column("progress", "Tiến độ", "Progress", kind="progress"),
        Column("gap_text", "Còn thiếu", "Gap"),
        Column("evidence", "Minh chứng", "Evidence", pdf=49),
        Column("note", "Ghi chú", "Note"),
    )
)


def commune_sheet(status: pd.DataFrame, timeliness: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One commune's rows of queries.status (queries.commune_status) in catalog order, with their words and,
    from queries.timeliness (that commune's rows), when each criterion turned green and how it stands against
    its deadline."""
    rows = describe_status(status.sort_values("position"), lang).reset_index(drop=True)
    timely = timeliness.set_index("criterion_code").loc[rows["criterion_code"]]
    return rows.assign(
        progress=rows["progress"] * 100,
        green_since=[None if pd.isna(d) else d for d in timely["green_since"]],
        days_text=[format_days_early(d, lang) for d in timely["days_early"]],
        timeliness_text=[timeliness_label(t, lang) for t in timely["timeliness"]],
    )


LAGGING = Table(
    (
        replace(CODE, pdf=10),
        replace(NAME, page="medium"),
        Column("not_green", "Xã, phường chưa đạt", "Communes not met", kind="int", pdf=15, align="R"),
        Column("share_met", "Tỉ lệ đạt", "Share met", kind="progress", pdf=11, align="R"),
        Column(
            "green_pending",
            "Đạt, chờ duyệt",
            "Met, pending",
            kind="int",
            help=(
                "Số xã, phường đạt tiêu chí này theo báo cáo chưa được duyệt.",
                "Communes meeting this criterion according to a submission not yet reviewed.",
            ),
        ),
        Column("gap_text", "Tổng còn thiếu", "Total gap", pdf=26, align="R"),
        Column("overdue", "Quá hạn", "Overdue", kind="int", pdf=11, align="R"),
        replace(DEADLINE, pdf=17),
    )
)


def lagging(criteria: pd.DataFrame, communes: int, lang: str) -> pd.DataFrame:
    """The most lagging criteria (queries.overview()["lagging"]) out of `communes` communes."""
    return criteria.assign(
        name=criteria[f"name_{lang}"],
        share_met=criteria["green"] / communes * 100 if communes else 0.0,
        gap_text=total_gaps(criteria, lang),
    ).reset_index(drop=True)


CRITERIA_GAPS = Table(
    (
        replace(CODE, pdf=10),
        replace(NAME, pdf=48),
        replace(TARGET, pdf=16),
        Column("green", status_label("green", "vi"), status_label("green", "en"), kind="int", pdf=10, align="R"),
        Column("red", status_label("red", "vi"), status_label("red", "en"), kind="int", pdf=11, align="R"),
        Column("grey", "Chưa báo cáo", "No report", kind="int", pdf=13, align="R"),
        Column("overdue", "Quá hạn", "Overdue", kind="int", pdf=13, align="R"),
        Column("gap_text", "Tổng còn thiếu", "Total gap", pdf=28, align="R"),
    )
)


def criteria_gaps(criteria: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every criterion (queries.by_criterion): target, communes per status, overdue, and the total gap."""
    unit = criteria[f"unit_{lang}"]
    return criteria.assign(
        name=criteria[f"name_{lang}"],
        target_text=[
            format_target(k, t, u, lang) for k, t, u in zip(criteria["kind"], criteria["target"], unit, strict=True)
        ],
        gap_text=total_gaps(criteria, lang),
    ).reset_index(drop=True)


def warning_table(national: bool) -> Table:
    """The warning list's columns; the province column only in national mode on the page and in the PDF (the
    workbook always has it), where the other columns give it room."""
    table = Table(
        (
            Column("rank", "#", "#", kind="int", page="small", pdf=7, xlsx=5, align="R"),
            Column("commune_code", "Mã xã", "Code", on_page=False, pdf=11, xlsx=8),
            Column("commune_name", "Xã, phường", "Commune", pdf=30, xlsx=24),
            Column("province_name", "Tỉnh, thành phố", "Province", pdf=20, xlsx=18),
            Column("kind_text", "Loại", "Kind", xlsx=8),
            Column("green_text", "Tiêu chí đạt", "Criteria met", pdf=10, align="R"),
            Column("green", status_label("green", "vi"), status_label("green", "en"), "int", on_page=False, xlsx=8),
            Column("red", status_label("red", "vi"), status_label("red", "en"), "int", on_page=False, xlsx=8),
            Column("grey", status_label("grey", "vi"), status_label("grey", "en"), "int", on_page=False, xlsx=10),
            Column("overdue_count", "Số tiêu chí quá hạn", "Overdue criteria", "int", on_page=False, xlsx=10),
            Column("overdue_criteria", "Tiêu chí quá hạn", "Which are overdue", on_page=False, xlsx=22),
            Column(
                "max_days_overdue", "Quá hạn lâu nhất (ngày)", "Longest overdue (days)", "int", on_page=False, xlsx=11
            ),
            Column("at_risk_count", "Số tiêu chí sắp đến hạn", "Criteria at risk", "int", on_page=False, xlsx=10),
            Column("at_risk_criteria", "Tiêu chí sắp đến hạn", "Which are at risk", on_page=False, xlsx=22),
            Column(
                "days_to_deadline",
                "Số ngày đến hạn gần nhất",
                "Days to the nearest deadline",
                "int",
                on_page=False,
                xlsx=11,
            ),
            Column("reporting_date", "Báo cáo gần nhất", "Last report", kind="date", pdf=17, xlsx=12),
            Column(
                "days_since_report",
                "Số ngày từ báo cáo gần nhất",
                "Days since last report",
                "int",
                on_page=False,
                xlsx=12,
            ),
            Column("reason", "Lý do cảnh báo", "Why it is listed", page="large", pdf=44, xlsx=50),
            Column("reporter_name", "Người báo cáo", "Reporter", xlsx=22),
            Column("reporter_phone", "Điện thoại", "Phone", xlsx=14),
            # The PDF has no room for two columns: name above phone (10 digits fit on one line).
            Column("reporter", "Người báo cáo", "Reporter", on_page=False, pdf=21),
        )
    )
    if national:
        return (
            table.changed("commune_code", pdf=10)
            .changed("commune_name", pdf=26)
            .changed("green_text", pdf=9)
            .changed("reporting_date", pdf=16)
            .changed("reason", pdf=33)
            .changed("reporter", pdf=19)
        )
    return table.changed("province_name", pdf=None, on_page=False)


def warning_list(warnings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """This week's warning list (queries.warning_list), most severe first, with its rank, the reason in words,
    the criteria met out of all (green + red + grey) and who reported."""
    criteria = warnings["green"] + warnings["red"] + warnings["grey"]
    return warnings.assign(
        rank=range(1, len(warnings) + 1),
        kind_text=[kind_label(k, lang) for k in warnings["commune_kind"]],
        green_text=[format_count(g, n, lang) for g, n in zip(warnings["green"], criteria, strict=True)],
        reporting_date=[None if pd.isna(d) else d for d in warnings["reporting_date"]],
        reason=[warning_reason(row, lang) for row in warnings.itertuples()],
        reporter=[
            "\n".join(part for part in (name, phone) if isinstance(part, str) and part) or "–"
            for name, phone in zip(warnings["reporter_name"], warnings["reporter_phone"], strict=True)
        ],
    ).reset_index(drop=True)


IMPORT_PREVIEW = Table(
    (
        Column("commune_name", "Xã, phường", "Commune"),
        CODE,
        replace(NAME, key="criterion"),
        TARGET,
        VALUE,
        STATUS,
        Column("previous_text", "Trước đó", "Before"),
    )
)


def import_preview(changes: pd.DataFrame, communes: dict[str, str], lang: str) -> pd.DataFrame:
    """What a checked file would change (readiness.excel.describe), one row per commune and criterion."""
    return changes.assign(
        commune_name=changes["commune_code"].map(lambda c: communes.get(c, c)),
        status_text=[status_label(s, lang) if s else "–" for s in changes["status"]],
        previous_text=[status_label(s, lang) if s else "–" for s in changes["previous_status"]],
    )


IMPORT_PROBLEMS = Table(
    (
        Column("sheet", "Trang tính", "Sheet", page="small"),
        Column("cell", "Ô", "Cell", page="small"),
        Column("message", "Lỗi và cách sửa", "Problem and fix"),
    )
)


def import_problems(problems: Sequence["Problem"], lang: str) -> pd.DataFrame:
    """Why a file was refused: sheet, cell and what to do, one row per problem (as the CLI prints them)."""
    return pd.DataFrame(
        [(p.sheet, p.cell, p.message(lang)) for p in problems], columns=["sheet", "cell", "message"], dtype=object
    )


AUDIT_TRAIL = Table(
    (
        Column("at", "Thời điểm (giờ Việt Nam)", "When (Vietnam time)", kind="datetime"),
        Column("actor", "Người thực hiện", "Actor"),
        Column("action", "Thao tác", "Action"),
        Column("target", "Đối tượng", "Target"),
        Column("detail", "Chi tiết", "Detail"),
        Column("file_sha256", "SHA-256 của tệp", "File SHA-256"),
    )
)


def audit_trail(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The trail (readiness.audit.events) with headers in `lang`: as the page shows it and its downloads hold it."""
    return events[AUDIT_TRAIL.keys("page")].rename(columns={c.key: c.header(lang) for c in AUDIT_TRAIL.columns})


def catalog_title(criteria: int, lang: str) -> str:
    """ "Danh mục 16 tiêu chí", with the catalog's own size."""
    return tr(lang, f"Danh mục {criteria} tiêu chí", f"The {criteria} criteria")


def lagging_communes_table(national: bool) -> Table:
    """The gaps page's communes not meeting one criterion; the province column in national mode only."""
    return Table(
        (
            Column("commune_name", "Xã, phường", "Commune"),
            Column("province_name", "Tỉnh, thành phố", "Province", on_page=national),
            STATUS,
            VALUE,
            TARGET,
            Column("progress", "Tiến độ", "Progress", kind="progress"),
            Column("gap_text", "Còn thiếu", "Gap"),
            Column("overdue_text", "Quá hạn", "Overdue"),
            Column("reporting_date", "Ngày báo cáo", "Reporting date", kind="date"),
        )
    )


def lagging_communes(lagging: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The communes not green on one criterion (queries.lagging_communes), with their words."""
    rows = describe_status(lagging, lang)
    return rows.assign(
        progress=rows["progress"] * 100,
        overdue_text=[tr(lang, f"{d} ngày", f"{d} days") if d else "" for d in rows["days_overdue"]],
        reporting_date=[None if pd.isna(d) else d for d in rows["reporting_date"]],
    ).reset_index(drop=True)


def ranking_table(national: bool) -> Table:
    """Communes ranked (queries.ranking): the overview's top and bottom ten, the ranking page, the PDF."""
    return Table(
        (
            Column("rank", "Hạng", "Rank", kind="int", page="small", pdf=12, align="R"),
            Column("commune_code", "Mã", "Code", on_page=False, pdf=14),
            Column("commune_name", "Xã, phường", "Commune", pdf=50),
            Column("province_name", "Tỉnh, thành phố", "Province", on_page=national),
            Column("green_text", "Tiêu chí đạt", "Criteria met", pdf=22, align="R"),
            Column("on_time", "Đạt đúng hạn", "Met on time", kind="int", pdf=22, align="R"),
            Column("late", "Đạt trễ hạn", "Met late", kind="int", pdf=22, align="R"),
            Column("last_green", "Lần cuối chuyển sang đạt", "Last turned green", kind="date", pdf=28),
        )
    )


def ranking(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows of queries.ranking with the criteria met out of all."""
    criteria = ranked["green"] + ranked["red"] + ranked["grey"]
    return ranked.assign(
        green_text=[format_count(g, n, lang) for g, n in zip(ranked["green"], criteria, strict=True)],
        last_green=[None if d is None or pd.isna(d) else d for d in ranked["last_green"]],
    ).reset_index(drop=True)
