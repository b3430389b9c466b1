"""The tables shown on a page, in the PDF and in Excel, each built once from query frames with its column spec.

commune_sheet   one commune's criteria        commune page, commune PDF sheet
lagging         the most lagging criteria     overview page, province PDF
status_rows     communes × criteria figures   gaps page (one criterion), consolidated workbook's Details sheet
summary         communes, figure by criterion consolidated workbook's Summary sheet
catalog         the criteria                  consolidated workbook's Criteria sheet
criteria_gaps   every criterion's counts      province PDF
ranking         communes ranked               ranking and overview pages, province PDF, Ranking sheet
province_ranking  provinces ranked            ranking and overview pages, national PDF
warning_list    this week's warning list      warning-list page, province PDF, warning-list workbook
import_preview  what an import would change   upload page
import_problems why a file was refused        upload page
import_verdicts many files checked at once    upload page
audit_trail     the audit trail               audit page and its CSV and Excel downloads
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from readiness.core.enums import CriterionKind
from readiness.core.i18n import (
    criterion_kind_label,
    format_count,
    format_days_early,
    format_target,
    format_value,
    kind_label,
    review_label,
    status_label,
    timeliness_label,
    tr,
)
from readiness.core.scoring import share
from readiness.outputs.views.columns import Column, Table
from readiness.outputs.views.wording import describe_status, total_gaps, warning_reason

if TYPE_CHECKING:
    from readiness.intake.excel import ImportOutcome, Problem

# Columns several tables share; each table adds its widths (PDF mm, Excel characters) and where it shows them.
CODE = Column("criterion_code", "Mã", "Code", page="small")
NAME = Column("name", "Tiêu chí", "Criterion", page="medium")
STATUS = Column("status_text", "Trạng thái", "Status", align="C", tint="status")
VALUE = Column("value_text", "Giá trị", "Value")
TARGET = Column("target_text", "Chỉ tiêu", "Target")
DEADLINE = Column("deadline", "Hạn", "Deadline", kind="date")
PROGRESS = Column("progress", "Tiến độ", "Progress", kind="progress")
GAP = Column("gap_text", "Còn thiếu", "Gap")
EVIDENCE = Column("evidence", "Minh chứng", "Evidence")
NOTE = Column("note", "Ghi chú", "Note")
COMMUNE_CODE = Column("commune_code", "Mã xã", "Code", on_page=False)
COMMUNE = Column("commune_name", "Xã, phường", "Commune")
COMMUNE_KIND = Column("kind_text", "Loại", "Kind", on_page=False)
PROVINCE = Column("province_name", "Tỉnh, thành phố", "Province")
LAST_REPORT = Column("reporting_date", "Báo cáo gần nhất", "Last report", kind="date")
# The review of the submission a row's figures come from, worded as on the commune page's history.
REVIEW = Column("review_text", "Duyệt", "Review")
CRITERIA_MET = Column("green_text", "Tiêu chí đạt", "Criteria met", align="R")
CRITERIA_MET_COUNT = Column("green", "Số tiêu chí đạt", "Criteria met", kind="int", on_page=False, align="R")
RANK = Column("rank", "Hạng", "Rank", kind="int", page="small", align="R")


COMMUNE_SHEET = Table(
    (
        replace(CODE, pdf=11),
        replace(NAME, pdf=56),
        replace(STATUS, pdf=17),
        replace(VALUE, pdf=28),
        replace(TARGET, pdf=19),
        DEADLINE,
        Column("green_since", "Đạt từ ngày", "Green since", kind="date"),
        Column("days_text", "Sớm / trễ", "Early / late"),
        Column("timeliness_text", "Tiến độ so với hạn", "Against the deadline"),
        PROGRESS,
        GAP,
        replace(EVIDENCE, pdf=49),
        NOTE,
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


# On the overview (the page's only use) the lagging criteria show without their overdue count and deadline, so that
# the row fits at 1280 px; the gaps page has both for the chosen criterion, and the PDF has them too. Only the page
# shows the count met by a submission pending review.
LAGGING = Table(
    (
        replace(CODE, pdf=10),
        replace(NAME, pdf=56),
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
        Column("overdue", "Quá hạn", "Overdue", kind="int", pdf=11, on_page=False, align="R"),
        replace(DEADLINE, pdf=17, on_page=False),
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
            replace(RANK, vi="#", en="#", pdf=7, xlsx=5),
            replace(COMMUNE_CODE, pdf=11, xlsx=8),
            replace(COMMUNE, pdf=30, xlsx=24),
            replace(PROVINCE, pdf=20, xlsx=18),
            replace(COMMUNE_KIND, xlsx=8),  # not on the page: the name says it ("Xã …", "Phường …")
            replace(CRITERIA_MET, pdf=10),
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
            replace(LAST_REPORT, pdf=17, xlsx=12),
            Column(
                "days_since_report",
                "Số ngày từ báo cáo gần nhất",
                "Days since last report",
                "int",
                on_page=False,
                xlsx=12,
            ),
            # On the page the reason wraps (ui.table's `wrap`) in a width that leaves the whole row in view at 1280 px.
            Column("reason", "Lý do cảnh báo", "Why it is listed", page=250, pdf=44, xlsx=50),
            Column("reporter_name", "Người báo cáo", "Reporter", on_page=False, xlsx=22, personal=True),
            Column("reporter_phone", "Điện thoại", "Phone", on_page=False, xlsx=14, personal=True),
            # The page and the PDF have no room for two columns: name above phone (10 digits fit on one line).
            Column("reporter", "Người báo cáo", "Reporter", page=120, pdf=21, personal=True),
        )
    )
    if national:
        return (
            table.changed("rank", pdf=10)
            .changed("commune_code", pdf=11)
            .changed("commune_name", pdf=26)
            .changed("green_text", pdf=9)
            .changed("province_name", pdf=27)
            .changed("reporting_date", pdf=16)
            .changed("reason", pdf=26)
            .changed("reporter", pdf=15)
        )
    return table.changed("province_name", pdf=None, on_page=False)


def warning_list(warnings: pd.DataFrame, criteria: int, lang: str, as_of: date) -> pd.DataFrame:
    """This week's warning list (queries.warning_list), most severe first, with its rank, the reason in words
    (dated from the list's `as_of`, never "today": a page or document is read on other days; see
    wording.warning_reason), the criteria met out of the catalog's `criteria`
    and who reported."""
    return warnings.assign(
        rank=range(1, len(warnings) + 1),
        kind_text=[kind_label(k, lang) for k in warnings["commune_kind"]],
        green_text=[format_count(g, criteria, lang) for g in warnings["green"]],
        reporting_date=[None if pd.isna(d) else d for d in warnings["reporting_date"]],
        reason=[warning_reason(row, lang, as_of) for row in warnings.itertuples()],
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
    """What a checked file would change (readiness.intake.excel.describe), one row per commune and criterion."""
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


IMPORT_VERDICTS = Table(
    (
        Column("filename", "Tệp", "File", page="medium"),
        Column("commune_text", "Xã, phường", "Commune", page="medium"),
        Column("reporting_date", "Ngày báo cáo", "Reporting date", kind="date", page="small"),
        Column("verdict_text", "Kết quả kiểm tra", "Verdict", page="small"),
        Column("changes_text", "Thay đổi", "What changes", page="medium"),
    )
)

# How each outcome of a checked file reads in the verdict table: it is ready to import, was imported before, or
# has problems (its own file's, or not the account's commune).
_VERDICTS = {
    "checked": ("Sẵn sàng nhập", "Ready"),
    "duplicate": ("Đã nhập trước đây", "Duplicate"),
    "rejected": ("Có lỗi", "Problems"),
}


def import_verdicts(outcomes: Sequence["ImportOutcome"], communes: dict[str, str], lang: str) -> pd.DataFrame:
    """Files checked at once (readiness.intake.excel.check_files), one row each: which commune and day, the
    verdict, and what importing it changes (criteria turning green, no longer green) or how many problems.

    The verdict depends only on the outcome (checked, duplicate, rejected), never on how the file was read: another
    kind of workbook the reader recognises (the task register's progress workbooks) comes back from check_files as
    an ImportOutcome of its own Kind and needs only its own words for "what changes" here."""
    rows = []
    for outcome in outcomes:
        if outcome.commune_code:
            where = f"{communes.get(outcome.commune_code, outcome.commune_code)} ({outcome.commune_code})"
        elif outcome.communes:
            where = tr(lang, f"{len(outcome.communes)} xã, phường", f"{len(outcome.communes)} communes")
        else:
            where = "–"
        if outcome.outcome == "rejected":
            changes = tr(lang, f"{len(outcome.problems)} lỗi", f"{len(outcome.problems)} problem(s)")
        elif outcome.outcome == "duplicate":
            changes = "–"
        else:
            changes = tr(
                lang,
                f"{outcome.newly_green} mới đạt, {outcome.no_longer_green} không còn đạt",
                f"{outcome.newly_green} newly green, {outcome.no_longer_green} no longer green",
            )
        rows.append(
            {
                "filename": outcome.filename,
                "commune_text": where,
                "reporting_date": outcome.reporting_date,
                "verdict": str(outcome.outcome),
                "verdict_text": tr(lang, *_VERDICTS[outcome.outcome]),
                "changes_text": changes,
            }
        )
    return pd.DataFrame(
        rows, columns=["filename", "commune_text", "reporting_date", "verdict", "verdict_text", "changes_text"]
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


# The audit trail's actions (readiness.access.audit records them as codes), in words.
AUDIT_ACTIONS = {
    "account.create": ("Tạo tài khoản", "Account created"),
    "account.first_admin": ("Tạo quản trị viên đầu tiên", "First admin created"),
    "account.delete": ("Xóa tài khoản", "Account deleted"),
    "account.disable": ("Khóa tài khoản", "Account disabled"),
    "account.enable": ("Mở lại tài khoản", "Account enabled"),
    "account.locked": ("Tài khoản tạm khóa (đăng nhập sai nhiều lần)", "Account locked (repeated failed logins)"),
    "account.login": ("Đăng nhập", "Logged in"),
    "account.login_failed": ("Đăng nhập không thành công", "Failed login"),
    "account.logout": ("Đăng xuất", "Logged out"),
    "account.logout_everywhere": ("Đăng xuất khỏi mọi nơi", "Logged out everywhere"),
    "account.change_password": ("Đổi mật khẩu", "Password changed"),
    "account.reset_password": ("Đặt lại mật khẩu", "Password reset"),
    "boundaries.load": ("Tải ranh giới", "Boundaries loaded"),
    "catalog.sync": ("Cập nhật danh mục", "Catalog updated"),
    "comment.add": ("Thêm ý kiến", "Comment added"),
    "demo.load": ("Nạp dữ liệu mẫu", "Demo data loaded"),
    "demo.clear": ("Xóa dữ liệu mẫu", "Demo data removed"),
    "evidence.add": ("Đính kèm minh chứng", "Evidence attached"),
    "warnings.mail": ("Gửi thư cảnh báo", "Warning mail sent"),
    "import.accepted": ("Nhập tệp: đã nhận", "File imported: accepted"),
    "import.rejected": ("Nhập tệp: bị từ chối", "File imported: rejected"),
    "import.duplicate": ("Nhập tệp: trùng tệp đã nhập", "File imported: duplicate"),
    "import.checked": ("Nhận tệp: đã kiểm tra, chờ xác nhận", "File received: checked, awaiting confirmation"),
    "webform.accepted": ("Phiếu trên web: đã nhận", "Web form: accepted"),
    "webform.rejected": ("Phiếu trên web: bị từ chối", "Web form: rejected"),
    "webform.duplicate": ("Phiếu trên web: trùng", "Web form: duplicate"),
    "webform.checked": ("Phiếu trên web: đã kiểm tra, chờ xác nhận", "Web form: checked, awaiting confirmation"),
    "review.approved": ("Duyệt báo cáo", "Submission approved"),
    "review.returned": ("Trả lại báo cáo", "Submission returned"),
    "review.pending": ("Đưa báo cáo về chờ duyệt", "Submission back to pending"),
}


def action_label(action: str, lang: str) -> str:
    """An audit action in words; one recorded by a newer version than this list shows its code."""
    words = AUDIT_ACTIONS.get(action)
    return tr(lang, *words) if words else action


def audit_trail(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The trail (audit.events) with headers in `lang` and actions in words: as the page shows it and its downloads
    hold it."""
    worded = events.assign(action=[action_label(a, lang) for a in events["action"]])
    return worded[AUDIT_TRAIL.keys("page")].rename(columns={c.key: c.header(lang) for c in AUDIT_TRAIL.columns})


def catalog_title(criteria: int, lang: str) -> str:
    """ "Danh mục 16 tiêu chí", with the catalog's own size."""
    return tr(lang, f"Danh mục {criteria} tiêu chí", f"The {criteria} criteria")


def status_rows_table(national: bool) -> Table:
    """Rows of queries.status, one per commune and criterion: the gaps page shows those of one criterion (so not the
    criterion's columns), the consolidated workbook's Details sheet all of them with the review of the submission
    each figure comes from. The province column in national mode only."""
    return Table(
        (
            replace(COMMUNE_CODE, xlsx=8),
            replace(COMMUNE, xlsx=24),
            replace(PROVINCE, on_page=national, xlsx=18 if national else None),
            replace(CODE, vi="Mã tiêu chí", en="Criterion code", on_page=False, xlsx=9),
            replace(NAME, on_page=False, xlsx=44),
            replace(STATUS, xlsx=13),
            replace(VALUE, xlsx=22),
            replace(TARGET, xlsx=12),
            replace(PROGRESS, xlsx=9),
            replace(GAP, xlsx=12),
            Column("days_overdue", "Số ngày quá hạn", "Days overdue", kind="int", xlsx=10),
            Column("reporting_date", "Ngày báo cáo", "Reporting date", kind="date", xlsx=12),
            replace(REVIEW, on_page=False, xlsx=12),
            replace(EVIDENCE, on_page=False, xlsx=40),
            replace(NOTE, on_page=False, xlsx=30),
        )
    )


def status_rows(status: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows of queries.status (all, or some: queries.lagging_communes) with their words; days overdue only where
    overdue."""
    rows = describe_status(status, lang)
    return rows.assign(
        progress=rows["progress"] * 100,
        days_overdue=rows["days_overdue"].where(rows["days_overdue"] > 0).astype("Int64"),
        reporting_date=[None if pd.isna(d) else d for d in rows["reporting_date"]],
        review_text=[review_label(r, lang) for r in rows["review_status"]],
    ).reset_index(drop=True)


def _value_column(criterion: object, over: tuple[str, str]) -> Column:
    """A criterion's value in the Summary sheet: Có/Không, a number in its unit, or a share."""
    key = f"value_{criterion.code}"
    if criterion.kind == CriterionKind.NUMBER:
        vi, en = f"{VALUE.vi} ({criterion.unit_vi})", f"{VALUE.en} ({criterion.unit_en})"
        return Column(key, vi, en, kind="number", xlsx=11, over=over)
    vi, en = criterion_kind_label(criterion.kind, "vi"), criterion_kind_label(criterion.kind, "en")
    kind = "share" if criterion.kind == CriterionKind.RATIO else "text"
    return Column(key, vi, en, kind=kind, xlsx=11, over=over)


def summary_table(catalog: pd.DataFrame) -> Table:
    """The consolidated workbook's Summary sheet: one row per commune, then under each criterion of the catalog
    (queries.catalog) its status and value."""
    criteria = []
    for criterion in catalog.itertuples():
        code = criterion.code
        over = (f"{code} · {criterion.name_vi}", f"{code} · {criterion.name_en}")
        status = replace(STATUS, key=f"status_text_{code}", tint=f"status_{code}", xlsx=11, over=over)
        criteria += [status, _value_column(criterion, over)]
    return Table(
        (
            replace(COMMUNE_CODE, xlsx=8),
            replace(COMMUNE, xlsx=24),
            replace(COMMUNE_KIND, xlsx=8),
            replace(PROVINCE, xlsx=18),
            replace(LAST_REPORT, xlsx=12),
            replace(REVIEW, xlsx=11),
            replace(CRITERIA_MET_COUNT, xlsx=9),
            *criteria,
        )
    )


def summary_value(kind: str, value: float | None, out_of: float | None, lang: str) -> object:
    """A value as the Summary sheet holds it: Có/Không (worded as everywhere), the number, or the share (0–1) of a
    ratio (scoring.share, as scored and as worded)."""
    if value is None or pd.isna(value):
        return None
    if kind == CriterionKind.YES_NO:
        return format_value(kind, value, out_of, "", lang)
    if kind == CriterionKind.RATIO:
        measured = float(share(value, out_of))
        return None if pd.isna(measured) else measured
    return float(value)


def summary(communes: pd.DataFrame, status: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per commune (queries.by_commune of `status`) with, per criterion of `status`, its status (key and
    words) and value as `summary_value` gives it."""
    cells = pd.DataFrame(
        {
            "commune_code": status["commune_code"],
            "criterion_code": status["criterion_code"],
            "status": status["status"],
            "status_text": [status_label(s, lang) for s in status["status"]],
            "value": [
                summary_value(k, v, o, lang)
                for k, v, o in zip(status["kind"], status["value"], status["out_of"], strict=True)
            ],
        }
    )
    wide = cells.pivot(index="commune_code", columns="criterion_code", values=["status", "status_text", "value"])
    wide.columns = [f"{field}_{code}" for field, code in wide.columns]
    review = status.drop_duplicates("commune_code").set_index("commune_code")["review_status"]
    return communes.assign(
        kind_text=[kind_label(k, lang) for k in communes["commune_kind"]],
        reporting_date=[None if pd.isna(d) else d for d in communes["reporting_date"]],
        review_text=[review_label(r, lang) for r in communes["commune_code"].map(review)],
    ).join(wide, on="commune_code")


CATALOG = Table(
    (
        replace(CODE, xlsx=8),
        Column("group", "Nhóm", "Group", xlsx=20),
        replace(NAME, xlsx=48),
        Column("kind_text", "Loại", "Kind", xlsx=10),
        replace(TARGET, xlsx=14),
        Column("unit", "Đơn vị", "Unit", xlsx=12),
        replace(DEADLINE, xlsx=12),
        Column("description", "Mô tả", "Description", xlsx=70),
    )
)


def catalog(criteria: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The criteria (queries.catalog) in `lang`: group, name, what each asks for and its target."""
    unit = criteria[f"unit_{lang}"]
    return criteria.assign(
        criterion_code=criteria["code"],
        group=criteria[f"group_{lang}"],
        name=criteria[f"name_{lang}"],
        kind_text=[criterion_kind_label(k, lang) for k in criteria["kind"]],
        target_text=[
            format_target(k, t, u, lang) for k, t, u in zip(criteria["kind"], criteria["target"], unit, strict=True)
        ],
        unit=unit,
        description=criteria[f"description_{lang}"],
    )


def ranking_table(national: bool, brief: bool = False) -> Table:
    """Communes ranked (queries.ranking): the overview's top and bottom ten, the ranking page, the PDF's top and
    bottom ten and the consolidated workbook's Ranking sheet (which always names the province). `brief`: on the
    page only the rank, the commune (its province) and the criteria met, for the overview's two tables side by side
    (the ranking page shows the rest)."""
    table = Table(
        (
            replace(RANK, pdf=12, xlsx=7),
            replace(COMMUNE_CODE, pdf=14, xlsx=8),
            replace(COMMUNE, pdf=50, xlsx=24),
            replace(COMMUNE_KIND, xlsx=8),
            replace(PROVINCE, on_page=national, xlsx=18),
            replace(CRITERIA_MET, pdf=22),
            replace(CRITERIA_MET_COUNT, xlsx=10),
            Column("on_time", "Đạt đúng hạn", "Met on time", kind="int", pdf=22, xlsx=10, align="R"),
            Column("late", "Đạt trễ hạn", "Met late", kind="int", pdf=22, xlsx=10, align="R"),
            Column("last_green", "Lần cuối chuyển sang đạt", "Last turned green", kind="date", pdf=28, xlsx=14),
        )
    )
    for key in ("on_time", "late", "last_green") if brief else ():
        table = table.changed(key, on_page=False)
    return table


def ranking(ranked: pd.DataFrame, criteria: int, lang: str) -> pd.DataFrame:
    """Rows of queries.ranking with the kind in words and the criteria met out of the catalog's `criteria`."""
    return ranked.assign(
        kind_text=[kind_label(k, lang) for k in ranked["commune_kind"]],
        green_text=[format_count(g, criteria, lang) for g in ranked["green"]],
        last_green=[None if d is None or pd.isna(d) else d for d in ranked["last_green"]],
    ).reset_index(drop=True)


PROVINCE_RANKING = Table(
    (
        replace(RANK, pdf=14),
        replace(PROVINCE, pdf=70),
        Column("communes", "Xã, phường", "Communes", kind="int", pdf=28, align="R"),
        Column("fully_green", "Đạt đủ tiêu chí", "Fully green", kind="int", pdf=28, align="R"),
        Column("share", "Tỉ lệ đạt đủ", "Share fully green", kind="progress", pdf=30, align="R"),
    )
)


def province_ranking(ranked: pd.DataFrame) -> pd.DataFrame:
    """Rows of queries.province_ranking with the share fully green in percent."""
    return ranked.assign(share=ranked["fully_green_share"] * 100).reset_index(drop=True)
