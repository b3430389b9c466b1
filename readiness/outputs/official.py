"""The official report: an administrative "báo cáo" in the format of Nghị định 30/2020/NĐ-CP (Phụ lục I), as PDF
(fpdf2) and as Word .docx (python-docx) for offices that edit before signing.

The document is built once (`build`: header fields, body paragraphs, annex tables and charts) from the same query
functions as the pages and `readiness summary --json`, then laid out twice, so both files say the same words.
Layout as the decree sets: A4, margins 20/20/30/15 mm, body 14 pt justified with a 1.27 cm first-line indent,
page numbers centred at the top from page 2. The .docx names Times New Roman; the PDF embeds Noto Serif (full
Vietnamese coverage) from the fontpkg-noto-serif package, never a system font.
"""

import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib.metadata import version
from pathlib import Path

import fontpkg_noto_serif
import pandas as pd
from fpdf import FPDF
from PIL import Image
from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, require
from readiness.core import registry
from readiness.core.i18n import format_date, format_number, format_percent, today
from readiness.core.scoring import TIMELINESS
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc, nfc_lines
from readiness.outputs import charts, pdftable
from readiness.outputs.views import tables as views
from readiness.outputs.views.wording import warning_reason
from readiness.reading import queries

PDF = "pdf"
DOCX = "docx"
FORMATS = (PDF, DOCX)

# Millimetres, as Nghị định 30/2020 Phụ lục I sets them (top 20–25, bottom 20–25, left 30–35, right 15–20).
TOP, BOTTOM, LEFT, RIGHT = 20, 20, 30, 15
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
# The two header blocks: parent and issuing body on the left, the national title and motto on the right.
LEFT_BLOCK, RIGHT_BLOCK = 72, TEXT_WIDTH - 72
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 10.5
INDENT_MM = 12.7
PLACEHOLDER = "…"
# Communes and criteria named in the body; the annexes hold every one.
NAMED = 5
_CHART_PX = 470
# Communes at each end of the ranking in Phụ lục III.
RANKED = 10
ROMAN = ("I", "II", "III", "IV", "V", "VI")


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
        s = get_settings()
        name = registry.province_name(province)
        if province == NATIONAL:
            place, parent, addressee = "Hà Nội", "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "Bộ trưởng Bộ Khoa học và Công nghệ"
        else:
            place = name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
            parent, addressee = f"UBND {name}", f"Ủy ban nhân dân {name}"
        return cls(
            number=number,
            parent_body=s.report_parent_body or parent,
            issuing_body=s.report_issuing_body,
            issuer_code=s.report_issuer_code,
            place=s.report_place or place,
            addressee=s.report_addressee or addressee,
            copies=[c.strip() for c in s.report_copies.split(";") if c.strip()],
            archive=s.report_archive,
            signer_title=[t.strip() for t in s.report_signer_title.split(";") if t.strip()],
            signer_name=s.report_signer_name,
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
class Annex:
    label: str
    title: str
    note: str = ""
    table: Table | None = None
    charts: list[tuple[str, bytes]] = field(default_factory=list)


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


def _body(figures: dict, timely: dict, as_of: date, province: str, details: Details) -> list[Paragraph]:
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
            f"báo cáo nào. Trong {stale_days} ngày gần nhất, {details.issuing_body} nhận được "
            f"{_n(kpis['submissions_last_days'])} báo cáo."
        ),
        Paragraph(f"{ROMAN[1]}. KẾT QUẢ THỰC HIỆN", "heading"),
        Paragraph(
            f"1. Có {_n(kpis['fully_green'])}/{_n(n)} xã, phường đạt đủ {k}/{k} tiêu chí (tỷ lệ "
            f"{format_percent(kpis['fully_green_share'], 'vi', 1)}); bình quân mỗi xã, phường đạt "
            f"{format_number(kpis['average_green'], 'vi', 1)}/{k} tiêu chí; {_n(kpis['criteria_green_everywhere'])}"
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
        body.append(Paragraph("Tuần này không có xã, phường nào trong danh sách cảnh báo."))
    else:
        overdue = int((warnings["overdue_count"] > 0).sum())
        at_risk = int((warnings["at_risk_count"] > 0).sum())
        stale = int(warnings["stale"].sum())
        named = [
            f"{r.commune_name} ({_lower_first(warning_reason(r, 'vi'))})" for r in warnings.head(NAMED).itertuples()
        ]
        more = f" và {_n(len(warnings) - NAMED)} xã, phường khác" if len(warnings) > NAMED else ""
        body.append(
            Paragraph(
                f"Tuần này có {_n(len(warnings))} xã, phường trong danh sách cảnh báo (chi tiết tại Phụ lục II), "
                f"trong đó {_n(overdue)} xã, phường có tiêu chí quá hạn chưa đạt, {_n(at_risk)} xã, phường có tiêu "
                f"chí sắp đến hạn mà chưa đạt và {_n(stale)} xã, phường chưa đạt đủ tiêu chí nhưng không gửi báo cáo "
                f"quá {stale_days} ngày (một xã, phường có thể thuộc nhiều trường hợp), gồm: {_names(named)}{more}. "
                f"Danh sách cảnh báo đã được gửi tới các xã, phường có tên để khẩn trương khắc phục."
            )
        )
    body += [
        Paragraph(f"{ROMAN[4]}. ĐỀ XUẤT, KIẾN NGHỊ", "heading"),
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


def _png(chart: object) -> bytes:
    # The dashboard's charts fill their container; on paper a fixed width keeps their labels legible.
    return charts.to_png(chart.properties(width=_CHART_PX))


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
    national = province == NATIONAL
    results = Annex(
        "Phụ lục I",
        "KẾT QUẢ THỰC HIỆN THEO TIÊU CHÍ",
        f"Số liệu tính đến ngày {format_date(as_of, 'vi')}",
        _criteria_table(criteria, figures["timeliness_by_criterion"][["criterion_code", *TIMELINESS]]),
        charts=[
            (
                "Tiến độ thực hiện so với thời hạn",
                _png(charts.timeliness_chart(figures["timeliness_by_criterion"], "vi")),
            ),
            (
                "Tiến độ theo tuần (đường liền: tỉ lệ xã, phường đạt đủ tiêu chí; nét đứt: số tiêu chí đạt bình quân)",
                _png(charts.trend_chart(trend, "vi", criteria=k)),
            ),
        ],
    )
    listed = Annex(
        "Phụ lục II",
        "DANH SÁCH CẢNH BÁO",
        f"Tuần có ngày {format_date(as_of, 'vi')}; nặng nhất trước",
        None if warnings.empty else _from_view(views.warning_table(national), views.warning_list(warnings, "vi")),
    )
    if national:
        ranked, unit = views.province_ranking(figures["province_ranking"]), "tỉnh, thành phố"
        spec, key = views.PROVINCE_RANKING, "province_code"
    else:
        ranked, unit = views.ranking(figures["ranking"], "vi"), "xã, phường"
        spec, key = views.ranking_table(national=False), "commune_code"
    ends = pd.concat([ranked.head(RANKED), ranked.tail(RANKED)]).drop_duplicates(key)
    ranks = Annex(
        "Phụ lục III",
        f"XẾP HẠNG CÁC {unit.upper()}",
        f"{RANKED} {unit} đứng đầu và {RANKED} {unit} đứng cuối; cùng kết quả thì cùng hạng",
        _from_view(spec, ends),
    )
    return Document(
        details=details,
        issued=issued or today(),
        subject=subject,
        body=_body(figures, figures["timeliness"], as_of, province, details),
        annexes=[results, listed, ranks],
    )


def official_report(
    session: Session,
    as_of: date,
    province: str,
    fmt: str,
    details: Details | None = None,
    *,
    actor: Actor,
    issued: date | None = None,
) -> bytes:
    """The official report as PDF or .docx bytes (`fmt` "pdf" or "docx")."""
    require(actor, Permission.EXPORT)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    document = build(session, as_of, province, details or Details.from_settings(province), issued=issued)
    return pdf_bytes(document) if fmt == PDF else docx_bytes(document)


# PDF -----------------------------------------------------------------------------------------------------------------

SERIF = "NotoSerif"
TABLE_LOOK = pdftable.Look(
    SERIF, TABLE_PT, line=TABLE_PT * 0.3528 * 1.25, padding=(1, 1.2), header_fill="#E6E6E6", grid=True
)
# Word's tables are measured as the PDF's, with Word's and LibreOffice's default space left and right of a cell's
# text (0.19 cm).
WORD_TABLE_LOOK = replace(TABLE_LOOK, padding=(TABLE_LOOK.padding[0], 1.9))
_INSTANCES = {
    "": ("NotoSerif", 400),
    "B": ("NotoSerif", 700),
    "I": ("NotoSerif-Italic", 400),
    "BI": ("NotoSerif-Italic", 700),
}


_UNICODES = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2300)]


@cache
def serif_files() -> dict[str, Path]:
    """Static Noto Serif files (regular, bold, italic, bold italic) made from the package's variable fonts once and
    kept in READINESS_CACHE_DIR: instancing a variable font costs seconds, reading a static one milliseconds."""
    folder = get_settings().cache_dir / f"noto-serif-{version('fontpkg-noto-serif')}"
    files = {style: folder / f"{name}-{weight}.ttf" for style, (name, weight) in _INSTANCES.items()}
    missing = {style: path for style, path in files.items() if not path.is_file()}
    if missing:
        from fontTools import subset
        from fontTools.ttLib import TTFont
        from fontTools.varLib import instancer

        folder.mkdir(parents=True, exist_ok=True)
        subsets: dict[str, TTFont] = {}
        for style, path in missing.items():
            name, weight = _INSTANCES[style]
            if name not in subsets:
                font = TTFont(fontpkg_noto_serif.ROOT / "files" / f"{name}[wdth,wght].ttf")
                # Latin with Vietnamese, punctuation and the symbols a report uses (≥, →, №, ₫): subsetting first
                # makes instancing fast; each variable file is subset once for its two weights.
                subsetter = subset.Subsetter(subset.Options(layout_features=["*"], notdef_outline=True))
                subsetter.populate(unicodes=_UNICODES)
                subsetter.subset(font)
                subsets[name] = font
            static = instancer.instantiateVariableFont(subsets[name], {"wght": weight, "wdth": 100}, inplace=False)
            # Written aside and renamed: another process making the same file never reads half of it.
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".ttf")
            os.close(handle)
            static.save(temporary)
            os.replace(temporary, path)
    return files


def pdf_bytes(document: Document) -> bytes:
    details = document.details

    class _Pdf(FPDF):
        def header(self) -> None:
            # Page numbers from the second page, centred in the top margin (Nghị định 30/2020, Phụ lục I).
            if self.page_no() > 1:
                self.set_y(10)
                self.set_font(SERIF, "", HEADER_PT)
                self.cell(0, 6, str(self.page_no()), align="C")
                self.set_y(TOP)

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    for style, path in serif_files().items():
        pdf.add_font(SERIF, style, path)
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_lang("vi")
    pdf.set_creator("Readiness")
    pdf.set_author(nfc(details.issuing_body))
    pdf.set_title(nfc(f"Báo cáo – {document.subject}"))
    pdf.add_page()

    def centred(text: str, x: float, width: float, style: str = "", size: float = BODY_PT, height: float = 6.5) -> None:
        pdf.set_font(SERIF, style, size)
        pdf.set_x(x)
        pdf.multi_cell(width, height, nfc(text), align="C", new_x="LEFT", new_y="NEXT")

    def rule(x: float, width: float, length: float) -> None:
        # Well below the descenders, or the rule reads as an underline of the text above.
        y = pdf.get_y() + 2.5
        pdf.set_line_width(0.3)
        pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)
        pdf.set_y(y + 3)

    def fitted(text: str, style: str, size: float, width: float) -> float:
        pdf.set_font(SERIF, style, size)
        while pdf.get_string_width(nfc(text)) > width - 1 and size > 9:
            size -= 0.5
            pdf.set_font(SERIF, style, size)
        return size

    # Header blocks: left and right, each centred in its column; the document number and the date line level.
    x_left, x_right = LEFT, LEFT + LEFT_BLOCK
    pdf.set_y(TOP)
    centred(
        details.parent_body.upper(),
        x_left,
        LEFT_BLOCK,
        size=fitted(details.parent_body.upper(), "", HEADER_PT, LEFT_BLOCK),
        height=6,
    )
    issuing = details.issuing_body.upper()
    centred(issuing, x_left, LEFT_BLOCK, "B", fitted(issuing, "B", HEADER_PT, LEFT_BLOCK), height=6)
    rule(x_left, LEFT_BLOCK, LEFT_BLOCK / 3)
    left_end = pdf.get_y()
    pdf.set_y(TOP)
    national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    centred(national, x_right, RIGHT_BLOCK, "B", fitted(national, "B", HEADER_PT, RIGHT_BLOCK), height=6)
    motto = "Độc lập - Tự do - Hạnh phúc"
    centred(motto, x_right, RIGHT_BLOCK, "B", BODY_PT, height=6.5)
    rule(x_right, RIGHT_BLOCK, pdf.get_string_width(motto))
    level = max(left_end, pdf.get_y()) + 2
    pdf.set_y(level)
    centred(details.symbol, x_left, LEFT_BLOCK, size=HEADER_PT)
    pdf.set_y(level)
    centred(document.date_line, x_right, RIGHT_BLOCK, "I", BODY_PT)
    pdf.ln(8)

    centred("BÁO CÁO", LEFT, TEXT_WIDTH, "B", BODY_PT, height=7)
    centred(document.subject, LEFT, TEXT_WIDTH, "B", BODY_PT, height=7)
    rule(LEFT, TEXT_WIDTH, TEXT_WIDTH / 4)
    pdf.ln(3)
    centred(f"Kính gửi: {details.addressee}.", LEFT, TEXT_WIDTH, "", BODY_PT, height=7)
    pdf.ln(4)

    line = BODY_PT * 0.3528 * 1.3  # 1.3 lines in mm
    for paragraph in document.body:
        style = {"heading": "B", "placeholder": "I"}.get(paragraph.kind, "")
        pdf.set_font(SERIF, style, BODY_PT)
        if paragraph.kind == "placeholder":
            pdf.set_fill_color(255, 242, 153)
            pdf.multi_cell(0, line, nfc(paragraph.text), align="J", fill=True, new_x="LMARGIN", new_y="NEXT")
            pdf.set_fill_color(255)
            pdf.ln(2)
            continue
        with (
            pdf.text_columns(text_align="J", line_height=1.3) as columns,
            columns.paragraph(first_line_indent=INDENT_MM, bottom_margin=2) as text,
        ):
            text.write(nfc(paragraph.text))

    # "Nơi nhận" on the left, the signature on the right, kept together on one page.
    if pdf.page_break_trigger - pdf.get_y() < 75:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    pdf.set_x(LEFT)
    pdf.set_font(SERIF, "BI", 12)
    pdf.cell(LEFT_BLOCK, 6, "Nơi nhận:", new_x="LEFT", new_y="NEXT")
    pdf.set_font(SERIF, "", 11)
    for entry in details.copies:
        pdf.set_x(LEFT)
        pdf.multi_cell(LEFT_BLOCK, 5, nfc(f"- {entry};"), align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_x(LEFT)
    pdf.multi_cell(LEFT_BLOCK, 5, nfc(f"- Lưu: {details.archive}."), align="L", new_x="LEFT", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_y(top)
    for title in details.signer_title:
        centred(title.upper(), x_right, RIGHT_BLOCK, "B", HEADER_PT, height=6)
    centred("(Ký, ghi rõ họ tên, đóng dấu)", x_right, RIGHT_BLOCK, "I", HEADER_PT, height=6)
    pdf.ln(22)
    centred(details.signer_name or "[Họ và tên người ký]", x_right, RIGHT_BLOCK, "B", BODY_PT, height=6)
    pdf.set_y(max(bottom, pdf.get_y()))

    for annex in document.annexes:
        pdf.add_page()
        centred(annex.label, LEFT, TEXT_WIDTH, "B", BODY_PT)
        centred(annex.title, LEFT, TEXT_WIDTH, "B", BODY_PT)
        centred(document.reference, LEFT, TEXT_WIDTH, "I", HEADER_PT, height=6)
        if annex.note:
            centred(annex.note, LEFT, TEXT_WIDTH, "I", 12, height=6)
        pdf.ln(3)
        if annex.table is None:
            centred("Không có xã, phường nào trong danh sách cảnh báo.", LEFT, TEXT_WIDTH)
        else:
            table = annex.table
            pdftable.draw(pdf, TABLE_LOOK, table.headings, table.rows, table.widths, table.align)
        for title, png in annex.charts:
            with Image.open(io.BytesIO(png)) as image:
                ratio = image.size[1] / image.size[0]
            height = min(TEXT_WIDTH * ratio, 120)
            if pdf.page_break_trigger - pdf.get_y() < height + 14:
                pdf.add_page()
            pdf.ln(3)
            centred(title, LEFT, TEXT_WIDTH, "B", HEADER_PT)
            width = height / ratio
            pdf.image(io.BytesIO(png), x=LEFT + (TEXT_WIDTH - width) / 2, y=pdf.get_y(), w=width, h=height)
            pdf.set_y(pdf.get_y() + height + 2)
    return bytes(pdf.output())


# Word ----------------------------------------------------------------------------------------------------------------


def _word_measure() -> FPDF:
    """A page of the report's width with Noto Serif, to measure Word's table columns in: wider than Times New Roman,
    so that what fits there fits in Word."""
    measure = FPDF(format="A4")
    measure.set_margins(LEFT, TOP, RIGHT)
    for style in ("", "B"):
        measure.add_font(SERIF, style, serif_files()[style])
    return measure


FONT_NAME = "Times New Roman"


def docx_bytes(document: Document) -> bytes:
    from docx import Document as Word
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    details = document.details
    word = Word()
    word.core_properties.title = nfc(f"Báo cáo – {document.subject}")
    word.core_properties.author = nfc(details.issuing_body)

    def fonts(element: object) -> None:
        """Times New Roman for every script slot, so Word never substitutes another face for Vietnamese."""
        properties = element.get_or_add_rPr()
        names = properties.find(qn("w:rFonts"))
        if names is None:
            names = OxmlElement("w:rFonts")
            properties.insert(0, names)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            names.set(qn(slot), FONT_NAME)

    normal = word.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_PT)
    fonts(normal.element)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = word.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance = Mm(10)
    # No number on the first page; centred at the top of every other one.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field_.append(run)
    number._p.append(field_)

    def put(
        container: object,
        content: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float = BODY_PT,
        align: object = WD_ALIGN_PARAGRAPH.CENTER,
        paragraph: object = None,
    ) -> object:
        p = paragraph if paragraph is not None else container.add_paragraph()
        p.alignment = align
        r = p.add_run(nfc_lines(content))
        r.bold, r.italic, r.font.size = bold, italic, Pt(size)
        return p

    def rule(cell: object, block_mm: float, length_mm: float) -> None:
        """A short centred line: the bottom border of a small empty paragraph, cut to `length_mm` by its indents
        (a bottom border keeps it clear of the text above, where a top border would read as an underline)."""
        p = cell.add_paragraph()
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Mm((block_mm - length_mm) / 2)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        p._p.get_or_add_pPr().append(borders)
        # An exact line, whatever the size of the (empty) paragraph mark, and room below before the next text.
        p.paragraph_format.line_spacing = Pt(7)
        p.paragraph_format.space_after = Pt(6)

    def no_borders(table: object) -> None:
        properties = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        properties.append(borders)

    def widths(table: object, millimetres: Sequence[float]) -> None:
        # Both the grid (LibreOffice lays out by it) and each cell (Word does).
        table.autofit = False
        for column, width in zip(table.columns, millimetres, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, millimetres, strict=True):
                cell.width = Mm(width)

    header = word.add_table(rows=2, cols=2)
    no_borders(header)
    widths(header, [LEFT_BLOCK, RIGHT_BLOCK])
    left, right = header.cell(0, 0), header.cell(0, 1)
    # 12 pt, the decree's smallest for these lines: the longest names then fit their block on one line.
    put(left, details.parent_body.upper(), size=12, paragraph=left.paragraphs[0])
    put(left, details.issuing_body.upper(), bold=True, size=12)
    rule(left, LEFT_BLOCK, LEFT_BLOCK / 3)
    put(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, paragraph=right.paragraphs[0])
    put(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=BODY_PT)
    rule(right, RIGHT_BLOCK, 62)
    put(header.cell(1, 0), details.symbol, size=HEADER_PT, paragraph=header.cell(1, 0).paragraphs[0])
    put(header.cell(1, 1), document.date_line, italic=True, paragraph=header.cell(1, 1).paragraphs[0])

    put(word, "BÁO CÁO", bold=True).paragraph_format.space_before = Pt(18)
    put(word, document.subject, bold=True)
    rule(word, TEXT_WIDTH, TEXT_WIDTH / 4)
    addressee = put(word, f"Kính gửi: {details.addressee}.")
    addressee.paragraph_format.space_before = Pt(8)
    addressee.paragraph_format.space_after = Pt(12)

    for paragraph in document.body:
        p = put(
            word,
            paragraph.text,
            bold=paragraph.kind == "heading",
            italic=paragraph.kind == "placeholder",
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
        p.paragraph_format.first_line_indent = Mm(INDENT_MM)
        p.paragraph_format.space_after = Pt(6)
        p.paragraph_format.line_spacing = 1.15
        if paragraph.kind == "placeholder":
            p.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW

    closing = word.add_table(rows=1, cols=2)
    no_borders(closing)
    widths(closing, [LEFT_BLOCK, RIGHT_BLOCK])
    recipients, signature = closing.cell(0, 0), closing.cell(0, 1)
    put(
        recipients,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        paragraph=recipients.paragraphs[0],
    ).paragraph_format.space_before = Pt(12)
    for entry in details.copies:
        put(recipients, f"- {entry};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    put(recipients, f"- Lưu: {details.archive}.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = signature.paragraphs[0]
    first.paragraph_format.space_before = Pt(12)
    for i, title in enumerate(details.signer_title):
        put(signature, title.upper(), bold=True, size=HEADER_PT, paragraph=first if i == 0 else None)
    put(signature, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=HEADER_PT).paragraph_format.space_after = Pt(60)
    put(signature, details.signer_name or "[Họ và tên người ký]", bold=True)

    measure = _word_measure()
    for annex in document.annexes:
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        put(word, annex.label, bold=True)
        put(word, annex.title, bold=True)
        put(word, document.reference, italic=True, size=HEADER_PT)
        if annex.note:
            put(word, annex.note, italic=True, size=12).paragraph_format.space_after = Pt(6)
        if annex.table is None:
            put(word, "Không có xã, phường nào trong danh sách cảnh báo.")
        else:
            table = word.add_table(rows=1 + len(annex.table.rows), cols=len(annex.table.headings))
            table.style = word.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            # Fitted as in the PDF, so that no word breaks.
            widths(
                table,
                pdftable.fit(measure, WORD_TABLE_LOOK, annex.table.headings, annex.table.rows, annex.table.widths),
            )
            aligns = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER, "R": WD_ALIGN_PARAGRAPH.RIGHT}
            for j, heading in enumerate(annex.table.headings):
                cell = table.cell(0, j)
                put(cell, heading, bold=True, size=TABLE_PT, paragraph=cell.paragraphs[0])
            # The heading row repeats on every page the table runs onto.
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(repeat)
            for i, values in enumerate(annex.table.rows, start=1):
                cells = table.rows[i].cells
                for j, value in enumerate(values):
                    put(
                        cells[j],
                        value,
                        size=TABLE_PT,
                        align=aligns[annex.table.align[j]],
                        paragraph=cells[j].paragraphs[0],
                    )
        for title, png in annex.charts:
            put(word, title, bold=True, size=HEADER_PT).paragraph_format.space_before = Pt(12)
            word.add_picture(io.BytesIO(png), width=Mm(TEXT_WIDTH))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
