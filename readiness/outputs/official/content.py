"""What the official report says: header fields, body paragraphs, annex tables and charts, computed once from the
same query functions as the pages and `readiness summary --json`, then laid out by .pdf and .docx, so both files
say the same words."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session

from readiness.core import registry
from readiness.core.i18n import format_date, format_number, format_part, format_percent, today
from readiness.core.scoring import TIMELINESS
from readiness.core.settings import NATIONAL, get_settings
from readiness.outputs import charts, mail, province_settings, task_texts
from readiness.outputs.charts import Chart
from readiness.outputs.official.layout import TEXT_WIDTH
from readiness.outputs.views import tables as views
from readiness.outputs.views import tasks as task_views
from readiness.outputs.views.wording import warning_reason
from readiness.reading import queries
from readiness.reading import tasks as register

PLACEHOLDER = "…"
# Communes and criteria named in the body; the annexes hold every one.
NAMED = 5
# Communes at each end of the ranking in Phụ lục III.
RANKED = 10
ROMAN = ("I", "II", "III", "IV", "V", "VI")
# Characters per line of a criterion's name beside its bar.
WRAP = 44


@dataclass
class Details:
    """What the issuing office fills in: from READINESS_REPORT_* settings, overridable per report (the form)."""

    number: str = ""
    parent_body: str = ""
    issuing_body: str = ""
    issuer_code: str = ""
    place: str = ""
    addressee: str = ""
    copies: list[str] = field(default_factory=list)
    archive: str = ""
    signer_title: list[str] = field(default_factory=list)
    signer_name: str = ""

    @classmethod
    def from_settings(cls, province: str, number: str = "") -> "Details":
        """The values of READINESS_REPORT_* or, in national mode, of the province (province_settings.header)."""
        s = get_settings()
        header = province_settings.header(province)
        name = registry.province_name(province)
        if province == NATIONAL:
            place, parent, addressee = "Hà Nội", "", "Thủ tướng Chính phủ"
        else:
            place = name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
            parent, addressee = f"UBND {name}", f"Ủy ban nhân dân {name}"
        return cls(
            number=number,
            parent_body=s.report_parent_body or parent,
            issuing_body=header.issuing_body,
            issuer_code=header.issuer_code,
            place=header.place or place,
            addressee=s.report_addressee or addressee,
            copies=[c.strip() for c in s.report_copies.split(";") if c.strip()],
            archive=s.report_archive,
            signer_title=[t.strip() for t in header.signer_title.split(";") if t.strip()],
            signer_name=header.signer_name,
        )

    @property
    def document_number(self) -> str:
        """ "12/BC-SKHCN", with "…" for a number not given yet."""
        return f"{self.number or PLACEHOLDER}/BC-{self.issuer_code}"

    @property
    def symbol(self) -> str:
        return f"Số: {self.document_number}"


@dataclass
class Paragraph:
    text: str
    # "heading" (bold section title), "text" (justified prose) or "placeholder" (to fill in, marked).
    kind: str = "text"


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    # Millimetres across TEXT_WIDTH; "L", "C" or "R" per column.
    widths: list[float]
    align: list[str]


@dataclass
class Figure:
    title: str
    chart: Chart
    # Millimetres, axes and legend included: the renderer fits it to the room left on the page within these.
    height: tuple[float, float]


@dataclass
class Annex:
    label: str
    title: str
    note: str = ""
    table: Table | None = None
    figures: list[Figure] = field(default_factory=list)
    # The one sentence said instead of a table without rows.
    empty: str = ""
    # Whether the annex may begin on the page where the one before ends, when its heading and first rows fit there
    # (a short list would otherwise leave most of a page empty); the others begin on a page of their own.
    flow: bool = False


@dataclass
class Document:
    details: Details
    issued: date
    subject: str
    body: list[Paragraph]
    annexes: list[Annex]

    @property
    def date_line(self) -> str:
        d = self.issued
        return f"{self.details.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    @property
    def reference(self) -> str:
        """How an annex cites the report: "(Kèm theo Báo cáo số 12/BC-SKHCN ngày 05/01/2026 của Sở ...)"."""
        number = self.details.document_number
        return f"(Kèm theo Báo cáo số {number} ngày {format_date(self.issued, 'vi')} của {self.details.issuing_body})"


def _n(value: float) -> str:
    return format_number(value, "vi")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _names(items: Sequence[str]) -> str:
    return "; ".join(items)


def _week(as_of: date) -> str:
    """ "tuần từ 13/10/2025 đến 19/10/2025": the warning list's week, Monday to Sunday."""
    monday = mail.week_of(as_of)
    return f"tuần từ {format_date(monday, 'vi')} đến {format_date(monday + timedelta(days=6), 'vi')}"


def _sent(warnings: pd.DataFrame, told: int) -> str:
    """Whether the listed communes were sent the list: only what the deliveries recorded say."""
    if not told:
        return "Danh sách cảnh báo chưa được gửi tới các xã, phường có tên."
    return (
        f"Danh sách cảnh báo đã được gửi qua thư điện tử tới {_n(told)}/{_n(len(warnings))} xã, phường có tên để "
        f"khẩn trương khắc phục."
    )


def _body(
    figures: dict, timely: dict, as_of: date, province: str, details: Details, told: int, tasks: list[str]
) -> list[Paragraph]:
    """`told`: the listed communes sent their warnings by e-mail for as_of's week; `tasks`: the task register's
    sentences (readiness.outputs.task_texts), a section of their own when there are tasks."""
    kpis, criteria, frame, warnings = figures["kpis"], figures["criteria"], figures["status"], figures["warnings"]
    communes = queries.by_commune(frame)
    n, k = kpis["communes"], kpis["criteria"]
    place = registry.province_name(province)
    reported = int(communes["reporting_date"].notna().sum())
    day = format_date(as_of, "vi")
    stale_days = get_settings().stale_after_days
    green, red, grey = (int((frame["status"] == s).sum()) for s in ("green", "red", "grey"))
    body = [
        Paragraph(
            f"Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công "
            f"nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, {details.issuing_body} báo cáo kết quả theo dõi mức "
            f"độ sẵn sàng của các xã, phường trên địa bàn {place} tính đến ngày {day} như sau:"
        ),
        Paragraph(f"{ROMAN[0]}. TÌNH HÌNH TRIỂN KHAI", "heading"),
        Paragraph(
            f"{details.issuing_body} theo dõi {_n(n)} xã, phường theo {k} tiêu chí sẵn sàng. Tính đến ngày {day}, "
            f"{_n(reported)}/{_n(n)} xã, phường đã gửi phiếu tự đánh giá; {_n(n - reported)} xã, phường chưa gửi "
            f"báo cáo nào. Trong {stale_days} ngày tính đến ngày {day}, {details.issuing_body} nhận được "
            f"{_n(kpis['submissions_last_days'])} báo cáo."
        ),
        Paragraph(f"{ROMAN[1]}. KẾT QUẢ THỰC HIỆN", "heading"),
        Paragraph(
            f"1. Có {_n(kpis['fully_green'])}/{_n(n)} xã, phường đạt đủ {k}/{k} tiêu chí (tỷ lệ "
            f"{format_percent(kpis['fully_green_share'], 'vi', 1)}); bình quân mỗi xã, phường đạt "
            f"{format_part(kpis['average_green'], k, 'vi')}/{k} tiêu chí; {_n(kpis['criteria_green_everywhere'])}"
            f"/{k} tiêu chí đã đạt ở tất cả các xã, phường."
        ),
        Paragraph(
            f"2. Trong tổng số {_n(n * k)} lượt tiêu chí của các xã, phường: {_n(green)} lượt đạt, {_n(red)} lượt "
            f"chưa đạt và {_n(grey)} lượt chưa có báo cáo. Về tiến độ so với thời hạn: {_n(timely['on_time'])} lượt "
            f"đạt đúng hạn, {_n(timely['late'])} lượt đạt nhưng trễ hạn, {_n(timely['in_progress'])} lượt đang thực "
            f"hiện (chưa đến hạn) và {_n(timely['overdue'])} lượt đã quá hạn mà chưa đạt. Kết quả theo từng tiêu "
            f"chí tại Phụ lục I."
        ),
        Paragraph(f"{ROMAN[2]}. CÁC XÃ, PHƯỜNG VÀ TIÊU CHÍ CÒN CHẬM", "heading"),
    ]
    lagging = criteria[criteria["not_green"] > 0].sort_values(["not_green", "position"], ascending=[False, True])
    if lagging.empty:
        body.append(Paragraph("Tất cả các xã, phường đã đạt tất cả các tiêu chí."))
    else:
        named = [
            f"{r.criterion_code} – {r.name_vi} ({_n(r.not_green)} xã, phường chưa đạt, "
            f"hạn {format_date(r.deadline, 'vi')})"
            for r in lagging.head(NAMED).itertuples()
        ]
        body.append(Paragraph(f"1. Các tiêu chí có nhiều xã, phường chưa đạt nhất: {_names(named)}."))
        behind = communes[~communes["fully_green"]].sort_values(["green", "commune_code"]).head(NAMED)
        named = [f"{r.commune_name} ({r.green}/{k} tiêu chí)" for r in behind.itertuples()]
        body.append(Paragraph(f"2. Các xã, phường đạt ít tiêu chí nhất: {_names(named)}."))
    body.append(Paragraph(f"{ROMAN[3]}. DANH SÁCH CẢNH BÁO", "heading"))
    if warnings.empty:
        body.append(
            Paragraph(f"Tính đến ngày {day} ({_week(as_of)}), không có xã, phường nào trong danh sách cảnh báo.")
        )
    else:
        overdue = int((warnings["overdue_count"] > 0).sum())
        at_risk = int((warnings["at_risk_count"] > 0).sum())
        stale = int(warnings["stale"].sum())
        named = [
            f"{r.commune_name} ({_lower_first(warning_reason(r, 'vi', as_of))})"
            for r in warnings.head(NAMED).itertuples()
        ]
        more = f" và {_n(len(warnings) - NAMED)} xã, phường khác" if len(warnings) > NAMED else ""
        body.append(
            Paragraph(
                f"Tính đến ngày {day} ({_week(as_of)}), có {_n(len(warnings))} xã, phường trong danh sách cảnh "
                f"báo (chi tiết tại Phụ lục II), trong đó {_n(overdue)} xã, phường có tiêu chí quá hạn chưa đạt, "
                f"{_n(at_risk)} xã, phường có tiêu chí sắp đến hạn mà chưa đạt và {_n(stale)} xã, phường chưa đạt đủ "
                f"tiêu chí nhưng không gửi báo cáo quá {stale_days} ngày (một xã, phường có thể thuộc nhiều trường "
                f"hợp), gồm: {_names(named)}{more}. "
                f"{_sent(warnings, told)}"
            )
        )
    if tasks:
        body += [
            Paragraph(f"{ROMAN[4]}. NHIỆM VỤ THEO KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT 57", "heading"),
            Paragraph(" ".join(tasks)),
        ]
    body += [
        Paragraph(f"{ROMAN[4 + bool(tasks)]}. ĐỀ XUẤT, KIẾN NGHỊ", "heading"),
        Paragraph(
            "[Phần đề xuất, kiến nghị: đơn vị soạn thảo bổ sung nội dung trước khi trình ký, sau đó xóa dòng này.]",
            "placeholder",
        ),
        Paragraph(f"{details.issuing_body} kính báo cáo {details.addressee}./."),
    ]
    return body


def _criteria_table(criteria: pd.DataFrame, timely: pd.DataFrame) -> Table:
    """Per criterion: status counts (as `summary --json`'s "criteria") and timeliness counts."""
    # by_criterion has its own "overdue" (red past deadline); the table's is timeliness's (never reported too).
    frame = criteria.drop(columns="overdue").merge(timely, on="criterion_code", how="left")
    rows = [
        [
            str(i),
            f"{r.criterion_code} – {r.name_vi}",
            format_date(r.deadline, "vi"),
            *(_n(getattr(r, column)) for column in ("green", "red", "grey", *TIMELINESS)),
        ]
        for i, r in enumerate(frame.itertuples(), start=1)
    ]
    return Table(
        [
            "TT",
            "Tiêu chí",
            "Hạn",
            "Đạt",
            "Chưa đạt",
            "Chưa báo cáo",
            "Đúng hạn",
            "Trễ hạn",
            "Đang thực hiện",
            "Quá hạn",
        ],
        rows,
        widths=[8, 42, 23, 11, 13, 14, 13, 12, 16, 13],
        align=["C", "L", "C", "R", "R", "R", "R", "R", "R", "R"],
    )


def _from_view(spec: views.Table, frame: pd.DataFrame) -> Table:
    """A table of readiness.outputs.views (the same columns, headers and wording as the pages and the leaders' PDF), its
    PDF widths spread across the text width."""
    columns = spec.on("pdf")
    total = sum(c.pdf for c in columns)
    return Table(
        spec.headers("pdf", "vi"),
        spec.text_rows(frame, "vi"),
        widths=[c.pdf * TEXT_WIDTH / total for c in columns],
        align=[c.align for c in columns],
    )


def build(session: Session, as_of: date, province: str, details: Details, *, issued: date | None = None) -> Document:
    """The report's content: every figure from queries.report_figures (as the pages and `summary --json`)."""
    figures = queries.report_figures(session, as_of, province)
    criteria, warnings = figures["criteria"], figures["warnings"]
    k = figures["kpis"]["criteria"]
    place = registry.province_name(province)
    subject = (
        f"Kết quả thực hiện các tiêu chí sẵn sàng theo Nghị quyết số 57-NQ/TW của các xã, phường trên địa bàn {place}"
    )
    trend = queries.trend(session, as_of, province)
    timeliness = figures["timeliness_by_criterion"]
    sent = {scope for _, scope in mail.sent_already(session, mail.week_of(as_of))}
    told = int(warnings["commune_code"].isin(sent).sum())
    national = province == NATIONAL
    results = Annex(
        "Phụ lục I",
        "KẾT QUẢ THỰC HIỆN THEO TIÊU CHÍ",
        f"Số liệu tính đến ngày {format_date(as_of, 'vi')}",
        _criteria_table(criteria, timeliness[["criterion_code", *TIMELINESS]]),
        figures=[
            Figure(
                "Tiến độ thực hiện so với thời hạn",
                charts.timeliness_chart(timeliness, "vi", wrap=WRAP),
                # Two lines of label per criterion, the legend and the axis.
                height=(len(timeliness) * 7.5 + 22, len(timeliness) * 8.5 + 25),
            ),
            Figure(
                "Tiến độ theo tuần (đường liền: tỉ lệ xã, phường đạt đủ tiêu chí; nét đứt: số tiêu chí đạt bình quân)",
                charts.trend_chart(trend, "vi", criteria=k),
                height=(80, 120),
            ),
        ],
    )
    listed = Annex(
        "Phụ lục II",
        "DANH SÁCH CẢNH BÁO",
        f"{_week(as_of).capitalize()}; nặng nhất trước",
        None
        if warnings.empty
        else _from_view(views.warning_table(national), views.warning_list(warnings, k, "vi", as_of)),
        empty="Không có xã, phường nào trong danh sách cảnh báo.",
    )
    if national:
        ranked, unit = views.province_ranking(figures["province_ranking"]), "tỉnh, thành phố"
        spec, key = views.PROVINCE_RANKING, "province_code"
    else:
        ranked, unit = views.ranking(figures["ranking"], k, "vi"), "xã, phường"
        spec, key = views.ranking_table(national=False), "commune_code"
    ends = pd.concat([ranked.head(RANKED), ranked.tail(RANKED)]).drop_duplicates(key)
    ranks = Annex(
        "Phụ lục III",
        f"XẾP HẠNG CÁC {unit.upper()}",
        f"{RANKED} {unit} đứng đầu và {RANKED} {unit} đứng cuối; cùng kết quả thì cùng hạng",
        _from_view(spec, ends),
    )
    annexes = [results, listed, ranks]
    frame = register.register(session, as_of, province=province)
    label = f"Phụ lục {ROMAN[len(annexes)]}"
    tasks = task_texts.report_section(frame, as_of, label)
    if not frame.empty:
        annexes.append(_overdue_annex(label, register.overdue(frame), as_of))
    return Document(
        details=details,
        issued=issued or today(),
        subject=subject,
        body=_body(figures, figures["timeliness"], as_of, province, details, told, tasks),
        annexes=annexes,
    )


def _overdue_annex(label: str, overdue: pd.DataFrame, as_of: date) -> Annex:
    """The tasks in progress past their deadline at `as_of` (register.overdue: longest overdue first)."""
    day = format_date(as_of, "vi")
    return Annex(
        label,
        "DANH SÁCH NHIỆM VỤ ĐANG THỰC HIỆN QUÁ HẠN",
        f"Số liệu tính đến ngày {day}" + ("" if overdue.empty else "; quá hạn lâu nhất trước"),
        None if overdue.empty else _from_view(task_views.OVERDUE_LIST, task_views.task_list(overdue, "vi")),
        empty=f"Tính đến ngày {day}, không có nhiệm vụ nào đang thực hiện quá hạn.",
        flow=True,
    )
