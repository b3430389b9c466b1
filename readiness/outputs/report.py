"""Leaders' reports as A4 PDFs: the province summary and the one-page commune sheet.

Every figure comes from readiness.reading.queries (the functions behind the dashboard and `readiness summary --json`)
and every chart from readiness.outputs.charts (the dashboard's own Altair specifications, rendered by vl-convert),
so paper and screen agree. Text is drawn with the Be Vietnam Pro files shipped by fontpkg-be-vietnam-pro,
never a system font, and always NFC (decomposed tone marks print misplaced).
"""

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

import altair as alt
import fontpkg_be_vietnam_pro
import pandas as pd
from fpdf import FPDF
from PIL import Image
from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, readable_province, require
from readiness.core import registry
from readiness.core.i18n import (
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_part,
    format_percent,
    timeliness_label,
    tr,
)
from readiness.core.models import Commune, ReviewStatus
from readiness.core.progress import Progress, tell
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc, printable
from readiness.intake import geo
from readiness.outputs import charts, maps, pdftable, task_texts
from readiness.outputs.views import palette
from readiness.outputs.views import tables as views
from readiness.outputs.views import tasks as task_views
from readiness.outputs.views.columns import Table
from readiness.outputs.views.wording import pending_note
from readiness.reading import queries
from readiness.reading import tasks as register

FONT = "BeVietnamPro"
_FONT_FILES = {"": "Regular", "B": "Bold", "I": "Italic"}
_MUTED = 90
# The background of headline boxes and of every other table row.
_PANEL = "#EEF3F8"
# A section heading (about 12 mm) is never left alone at the foot of a page: by default it needs this much room
# (mm) below it for what follows.
_HEADING_MM = 12
_KEEP_WITH_NEXT = 45
# Evidence longer than this is cut in the commune sheet (two lines), so that the sheet stays one page.
_EVIDENCE_CHARS = 64


class _Pdf(FPDF):
    """A4 portrait with the embedded font and, on every page, a footer with the page number."""

    def __init__(self, lang: str, footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, name in _FONT_FILES.items():
            self.add_font(FONT, style, fontpkg_be_vietnam_pro.ROOT / "files" / f"BeVietnamPro-{name}.ttf")
        self.lang_code = lang
        self.footer_text = nfc(footer)
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_lang(lang)
        self.set_creator("Readiness")
        self.set_font(FONT, size=10)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font(FONT, size=7.5)
        self.set_text_color(_MUTED)
        self.cell(self.epw * 0.8, 6, self.footer_text)
        page = tr(self.lang_code, "Trang", "Page")
        self.cell(self.epw * 0.2, 6, f"{page} {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)

    def text_line(self, text: str, size: float = 10, style: str = "", color: int = 0, height: float = 5.5) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(color)
        self.multi_cell(0, height, nfc(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)

    def heading(self, text: str, keep_with_next: float = _KEEP_WITH_NEXT) -> None:
        if _HEADING_MM + keep_with_next > self.room():
            self.add_page()
        self.ln(3)
        self.text_line(text, size=12.5, style="B", height=7)
        self.ln(1)

    def room(self) -> float:
        """Height (mm) left on this page above the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def chart(
        self, title: str, chart: alt.TopLevelMixin, max_height: float, min_height: float = 40, caption: str = ""
    ) -> None:
        """A titled chart as a PNG across the page width, at most `max_height` high, shrunk down to
        `min_height` to fit the page, else moved with its title to the next one."""
        png = charts.to_png(chart)
        with Image.open(io.BytesIO(png)) as image:
            width_px, height_px = image.size
        height = min(max_height, self.epw * height_px / width_px)
        self.heading(title, keep_with_next=min(height, min_height))
        height = min(height, self.room())
        width = height * width_px / height_px
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 1)
        if caption:
            self.text_line(caption, size=8, color=_MUTED, height=4)

    def view_table(
        self,
        spec: Table,
        frame: pd.DataFrame,
        lang: str,
        fills: Sequence[Sequence[str | None]] | None = None,
        size: float = 8,
    ) -> None:
        """A view's frame (outputs.views) as the spec's PDF columns. `fills`: a background colour (or None) per
        row and PDF column; by default the status tints the spec asks for."""
        columns = spec.on("pdf")
        self.data_table(
            spec.headers("pdf", lang),
            spec.text_rows(frame, lang),
            widths=[c.pdf for c in columns],
            align=[c.align for c in columns],
            fills=spec.fills(frame, "pdf") if fills is None else fills,
            size=size,
        )

    def data_table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Sequence[str],
        fills: Sequence[Sequence[str | None]] | None = None,
        size: float = 8,
    ) -> None:
        """A striped table across the page, its header repeated on every page it runs onto."""
        look = pdftable.Look(
            FONT,
            size,
            line=size * 0.5,
            padding=(1.2, 1.5),
            header_fill=palette.HEADING,
            header_text="#FFFFFF",
            stripe=_PANEL,
        )
        pdftable.draw(self, look, headings, rows, widths, align, fills)
        self.ln(2)


def _header(pdf: _Pdf, title: str, subject: str, as_of: date, criteria: int, lang: str) -> None:
    pdf.set_title(nfc(f"{title} – {subject}"))
    pdf.set_author("Readiness")
    overline = tr(
        lang,
        f"NGHỊ QUYẾT 57-NQ/TW · {criteria} TIÊU CHÍ SẴN SÀNG",
        f"RESOLUTION 57-NQ/TW · {criteria} READINESS CRITERIA",
    )
    pdf.text_line(overline, size=8, color=_MUTED, height=4.5)
    pdf.text_line(title, size=17, style="B", height=9)
    pdf.text_line(subject, size=13, style="B", height=7)
    generated = format_datetime(datetime.now(UTC), lang)
    pdf.text_line(
        tr(
            lang,
            f"Số liệu tính đến ngày {format_date(as_of, lang)} · Lập lúc {generated} (giờ Việt Nam)",
            f"Figures as of {format_date(as_of, lang)} · Generated {generated} (Vietnam time)",
        ),
        size=9,
        color=_MUTED,
    )
    pdf.ln(2)


def _no_data(pdf: _Pdf, as_of: date, lang: str) -> bytes:
    pdf.ln(6)
    pdf.text_line(tr(lang, "Chưa có số liệu", "No data yet"), size=14, style="B")
    pdf.text_line(
        tr(
            lang,
            f"Chưa có xã, phường nào gửi báo cáo tính đến ngày {format_date(as_of, lang)}. "
            "Báo cáo này sẽ có số liệu khi các xã, phường gửi phiếu tự đánh giá.",
            f"No commune has reported as of {format_date(as_of, lang)}. "
            "This report fills in once communes send their self-assessment checklists.",
        )
    )
    return bytes(pdf.output())


def _kpi_boxes(pdf: _Pdf, boxes: Sequence[tuple[str, str]]) -> None:
    """Headline figures as boxes, three to a row: the big value above its label."""
    per_row, gap, height = 3, 4, 21
    width = (pdf.epw - gap * (per_row - 1)) / per_row
    for start in range(0, len(boxes), per_row):
        y = pdf.get_y()
        for i, (value, label) in enumerate(boxes[start : start + per_row]):
            x = pdf.l_margin + i * (width + gap)
            pdf.set_fill_color(_PANEL)
            pdf.set_draw_color("#C5D3E2")
            pdf.rect(x, y, width, height, style="DF")
            pdf.set_xy(x + 3, y + 2)
            pdf.set_font(FONT, "B", 15)
            pdf.cell(width - 6, 8, nfc(value))
            pdf.set_xy(x + 3, y + 10.5)
            pdf.set_font(FONT, "", 8)
            pdf.multi_cell(width - 6, 4, nfc(label), align="L")
        pdf.set_xy(pdf.l_margin, y + height + gap)


def _kpis(pdf: _Pdf, kpis: dict, lang: str) -> None:
    """The overview page's headline figures, worded as there."""
    n, criteria, days = kpis["communes"], kpis["criteria"], get_settings().stale_after_days
    _kpi_boxes(
        pdf,
        [
            (
                f"{format_number(kpis['fully_green'], lang)}/{format_number(n, lang)}",
                tr(lang, f"xã, phường đạt đủ {criteria} tiêu chí", f"communes fully green ({criteria}/{criteria})")
                + f" · {format_percent(kpis['fully_green_share'], lang, 1)}",
            ),
            (
                f"{format_part(kpis['average_green'], criteria, lang)}/{criteria}",
                tr(lang, "số tiêu chí đạt trung bình mỗi xã, phường", "average green criteria per commune"),
            ),
            (
                f"{format_number(kpis['criteria_green_everywhere'], lang)}/{criteria}",
                tr(lang, "tiêu chí đạt ở mọi xã, phường", "criteria green in every commune"),
            ),
            (
                format_number(kpis["submissions_last_days"], lang),
                tr(lang, f"báo cáo nhận trong {days} ngày qua", f"submissions in the last {days} days"),
            ),
            (
                format_number(kpis["overdue"], lang),
                tr(
                    lang,
                    "hạng mục quá hạn (tiêu chí chưa đạt đã quá hạn)",
                    "overdue items (red criteria past deadline)",
                ),
            ),
            (format_number(n, lang), tr(lang, "xã, phường trong phạm vi báo cáo", "communes covered by this report")),
        ],
    )
    if note := pending_note(kpis, lang):
        pdf.text_line(note, size=8.5, color=90)


def _timeliness(pdf: _Pdf, figures: dict, lang: str) -> None:
    """The overview's figures against the deadlines: the four timeliness counts, the weekly reporting rate and
    the bar per criterion."""
    counts = figures["timeliness"]
    pairs = sum(counts.values())
    boxes = [
        (
            format_number(counts[key], lang),
            f"{timeliness_label(key, lang)} · {format_percent(counts[key] / pairs if pairs else 0, lang, 1)}",
        )
        for key in counts
    ]
    reporting = figures["reporting"]
    if not reporting.empty:
        week = reporting.iloc[0]
        boxes.append(
            (
                format_percent(week["reported_share"], lang, 1),
                tr(
                    lang,
                    f"xã, phường đã báo cáo tuần đến {format_date(week['week_due'], lang)}; đúng hạn "
                    f"{format_percent(week['on_time_share'], lang, 1)}",
                    f"communes reported for the week to {format_date(week['week_due'], lang)}; on time "
                    f"{format_percent(week['on_time_share'], lang, 1)}",
                ),
            )
        )
    _kpi_boxes(pdf, boxes)
    pdf.text_line(
        tr(
            lang,
            "Tính trên từng cặp xã, phường – tiêu chí: đúng hạn (chuyển sang đạt lần cuối không muộn hơn hạn), trễ "
            "hạn (sau hạn), đang thực hiện (chưa đạt, chưa đến hạn), quá hạn (chưa đạt, đã quá hạn).",
            "Over each commune–criterion pair: on time (last turned green by the deadline), late (after it), in "
            "progress (not green, deadline not passed), overdue (not green, deadline passed).",
        ),
        size=8,
        color=_MUTED,
        height=4,
    )
    pdf.chart(
        tr(lang, "Tiến độ so với hạn theo tiêu chí", "Against the deadlines, by criterion"),
        charts.timeliness_chart(figures["timeliness_by_criterion"], lang),
        max_height=110,
        min_height=80,
    )


def _ranking(pdf: _Pdf, figures: dict, national: bool, lang: str) -> None:
    """Top and bottom ten, as on the overview and the ranking page (the same tables): provinces in national mode,
    else communes, their criteria met out of the catalog's (kpis)."""
    if national:
        spec, ranked = views.PROVINCE_RANKING, views.province_ranking(figures["province_ranking"])
        vi, en = "tỉnh, thành phố", "provinces"
    else:
        spec, ranked = (
            views.ranking_table(national=False),
            views.ranking(figures["ranking"], figures["kpis"]["criteria"], lang),
        )
        vi, en = "xã, phường", "communes"
    pdf.heading(tr(lang, "Xếp hạng", "Ranking"), keep_with_next=70)
    pdf.text_line(
        tr(
            lang,
            "Tỉnh, thành phố xếp theo tỉ lệ xã, phường đạt đủ tiêu chí."
            if national
            else "Xếp theo số tiêu chí đạt, rồi số tiêu chí đạt đúng hạn, rồi ngày chuyển sang đạt lần cuối (sớm hơn "
            "xếp trên). Bằng nhau thì cùng hạng.",
            "Provinces by share of communes fully green."
            if national
            else "By criteria met, then criteria met on time, then the date of the last turn to green (earlier "
            "first). Ties share a rank.",
        ),
        size=8.5,
        color=_MUTED,
        height=4.5,
    )
    top = (tr(lang, f"Mười {vi} dẫn đầu", f"Top ten {en}"), ranked.head(10))
    bottom = (tr(lang, f"Mười {vi} cuối bảng", f"Bottom ten {en}"), ranked.tail(10))
    for title, rows in (top, bottom):
        # A title and its ten rows stay together.
        if pdf.room() < 75:
            pdf.add_page()
        pdf.text_line(title, size=10, style="B")
        pdf.view_table(spec, rows, lang)


def _gap_table(pdf: _Pdf, criteria: pd.DataFrame, lang: str) -> None:
    spec = views.CRITERIA_GAPS
    tints = palette.STATUS_TINT
    fills = [
        [tints[c.key] if c.key in tints and getattr(row, c.key) else None for c in spec.on("pdf")]
        for row in criteria.itertuples()
    ]
    overdue = [c.key for c in spec.on("pdf")].index("overdue")
    for row, fill in zip(criteria.itertuples(), fills, strict=True):
        fill[overdue] = tints["red"] if row.overdue else None
    pdf.view_table(spec, views.criteria_gaps(criteria, lang), lang, fills=fills)


def _warning_table(
    pdf: _Pdf, warnings: pd.DataFrame, criteria: int, national: bool, lang: str, actor: Actor, as_of: date
) -> None:
    listed = views.warning_list(warnings, criteria, lang, as_of)
    pdf.view_table(views.warning_table(national).for_viewer(actor), listed, lang)


def _map(pdf: _Pdf, session: Session, status: pd.DataFrame, province: str, criteria: int, lang: str) -> None:
    """Where the province stands, as on the dashboard's map page: the boundary map when a file is loaded, else the
    tile map; in national mode the provinces (map or tiles) and the province × criterion heatmap."""
    if province == NATIONAL:
        provinces = queries.by_province(status)
        shapes = geo.boundaries(session, province, geo.Level.PROVINCE)
        if shapes is None:
            chart, height = charts.province_tile_chart(provinces, lang, criteria), (80, 120)
        else:
            chart, height = maps.province_map_chart(shapes, provinces, lang, criteria), (150, 230)
        title = tr(lang, "Số tiêu chí đạt trung bình theo tỉnh, thành phố", "Average green criteria by province")
        pdf.chart(title, chart, max_height=height[1], min_height=height[0])
        heatmap = charts.province_heatmap_chart(queries.province_criteria(status), lang)
        title = tr(lang, "Tỉ lệ xã, phường đạt theo tỉnh và tiêu chí", "Share of communes met, province × criterion")
        pdf.chart(title, heatmap, max_height=250, min_height=180)
        return
    communes = queries.by_commune(status)
    shapes = geo.boundaries(session, province)
    if shapes is None:
        chart = charts.tile_map_chart(communes, lang, criteria)
        caption = tr(
            lang,
            "Mỗi ô là một xã, phường, ghi số tiêu chí đạt; xếp từ chậm nhất (trên cùng bên trái).",
            "One tile per commune with its criteria met, most lagging first (top left).",
        )
    else:
        chart = maps.choropleth_chart(shapes, communes, status, lang, criteria)
        caption = _without_boundary(geo.status(session, province).without_boundary, lang)
    title = tr(lang, "Bản đồ số tiêu chí đạt", "Map of criteria met")
    pdf.chart(title, chart, max_height=175, min_height=110, caption=caption)


def _without_boundary(missing: pd.DataFrame, lang: str, shown: int = 30) -> str:
    """The communes the boundary map cannot draw, named (the first `shown` of them): a blank is not a commune."""
    if missing.empty:
        return ""
    names = ", ".join(missing["name"].head(shown))
    more = len(missing) - shown
    return tr(
        lang,
        f"{len(missing)} xã, phường không có ranh giới trong tệp đã tải nên không có trên bản đồ: {names}"
        + (f" và {more} xã, phường khác." if more > 0 else "."),
        f"{len(missing)} communes have no boundary in the loaded file and are not on the map: {names}"
        + (f" and {more} more." if more > 0 else "."),
    )


def province_report(
    session: Session, as_of: date, province: str, lang: str, *, actor: Actor, progress: Progress | None = None
) -> bytes:
    """The leaders' summary of a province (or the whole country, NATIONAL) as of a date, as PDF bytes; `progress`
    is told of each part done."""
    require(actor, Permission.EXPORT)
    readable_province(actor, province)
    place = registry.province_name(province)
    title = tr(lang, "Báo cáo mức độ sẵn sàng của xã, phường", "Commune readiness report")
    pdf = _Pdf(lang, f"Readiness · {place} · {tr(lang, 'tính đến', 'as of')} {format_date(as_of, lang)}")
    _header(pdf, title, place, as_of, len(queries.catalog(session)), lang)
    if queries.latest_submissions(session, as_of, province).empty:
        return _no_data(pdf, as_of, lang)

    figures = queries.report_figures(session, as_of, province)
    kpis, status, criteria, warnings = figures["kpis"], figures["status"], figures["criteria"], figures["warnings"]
    steps = 6
    tell(progress, 1, steps, tr(lang, "số liệu", "figures"))

    pdf.heading(tr(lang, "Tổng quan", "Overview"))
    _kpis(pdf, kpis, lang)
    trend = queries.trend(session, as_of, province)
    pdf.chart(
        tr(lang, "Tiến độ theo tuần", "Greening week by week"),
        charts.trend_chart(trend, lang, criteria=kpis["criteria"]),
        max_height=70,
        caption=tr(
            lang,
            "Đường liền: tỉ lệ xã, phường đạt đủ tiêu chí (trục trái). Đường nét đứt: số tiêu chí đạt trung bình "
            "(trục phải).",
            "Solid line: share of communes fully green (left axis). Dashed line: average green criteria (right axis).",
        ),
    )
    pdf.heading(tr(lang, "Năm tiêu chí chậm nhất", "Five most lagging criteria"), keep_with_next=30)
    if figures["lagging"].empty:
        pdf.text_line(tr(lang, "Mọi xã, phường đều đạt mọi tiêu chí.", "Every commune meets every criterion."))
    else:
        pdf.view_table(views.LAGGING, views.lagging(figures["lagging"], kpis["communes"], lang), lang)
    pdf.heading(tr(lang, "Tiến độ so với hạn", "Against the deadlines"), keep_with_next=50)
    _timeliness(pdf, figures, lang)
    tell(progress, 2, steps, tr(lang, "tổng quan", "overview"))
    _ranking(pdf, figures, province == NATIONAL, lang)
    _map(pdf, session, status, province, kpis["criteria"], lang)
    tell(progress, 3, steps, tr(lang, "xếp hạng, bản đồ", "ranking, map"))

    pdf.heading(tr(lang, "Khoảng cách theo tiêu chí", "Gaps by criterion"))
    pdf.text_line(
        tr(
            lang,
            "Số xã, phường đạt, chưa đạt, chưa báo cáo và quá hạn theo từng tiêu chí; cột cuối là tổng phần còn "
            "thiếu để mọi xã, phường đạt chỉ tiêu, tính theo đơn vị của tiêu chí.",
            "Communes that meet, do not meet, have not reported and are overdue on each criterion; the last column "
            "is what is still missing, in the criterion's unit, for every commune to meet the target.",
        ),
        size=8.5,
        color=_MUTED,
        height=4.5,
    )
    _gap_table(pdf, criteria, lang)
    tell(progress, 4, steps, tr(lang, "khoảng cách", "gaps"))

    pdf.heading(tr(lang, "Danh sách cảnh báo tuần này", "This week's warning list"))
    settings = get_settings()
    if warnings.empty:
        pdf.text_line(
            tr(lang, "Không có xã, phường nào trong danh sách cảnh báo.", "No commune is on the warning list.")
        )
    else:
        pdf.text_line(
            tr(
                lang,
                f"{format_number(len(warnings), lang)} xã, phường có tiêu chí quá hạn chưa đạt, có tiêu chí chưa "
                f"đạt mà hạn còn không quá {settings.at_risk_days} ngày, hoặc chưa đạt đủ và không báo cáo quá "
                f"{settings.stale_after_days} ngày. Nặng nhất trước.",
                f"{format_number(len(warnings), lang)} communes with overdue unmet criteria, with unmet criteria due "
                f"within {settings.at_risk_days} days, or not fully green and silent for more than "
                f"{settings.stale_after_days} days. Most severe first.",
            ),
            size=8.5,
            color=_MUTED,
            height=4.5,
        )
        _warning_table(pdf, warnings, kpis["criteria"], province == NATIONAL, lang, actor, as_of)
    tell(progress, 5, steps, tr(lang, "cảnh báo", "warnings"))
    _tasks(pdf, session, as_of, province, lang)
    data = bytes(pdf.output())
    tell(progress, steps, steps, "PDF")
    return data


def _tasks(pdf: _Pdf, session: Session, as_of: date, province: str, lang: str) -> None:
    """The task register's part: the steering committee's sentences, the headline table, the unit scorecard and
    the overdue tasks (readiness.reading.tasks, as on the Nhiệm vụ page), of the province's lead units."""
    frame = register.register(session, as_of, province=province)
    if frame.empty:
        return
    pdf.heading(tr(lang, "Nhiệm vụ theo Kế hoạch thực hiện Nghị quyết 57", "Tasks of the Resolution 57 plan"))
    for sentence in task_texts.level_sentences(frame, as_of, lang):
        pdf.text_line(sentence)
    pdf.view_table(task_views.HEADLINE, task_views.headline(frame, lang), lang)
    pdf.heading(tr(lang, "Bảng điểm đơn vị chủ trì", "Lead units' scorecard"), keep_with_next=40)
    pdf.view_table(task_views.SCORECARD, task_views.scorecard(frame), lang)
    overdue = register.overdue(frame)
    pdf.heading(tr(lang, f"Nhiệm vụ quá hạn ({len(overdue)})", f"Overdue tasks ({len(overdue)})"), keep_with_next=30)
    if not overdue.empty:
        pdf.view_table(task_views.TASK_LIST, task_views.task_list(overdue, lang), lang)


def commune_report(session: Session, commune_code: str, as_of: date, lang: str, *, actor: Actor) -> bytes:
    """One A4 page for one commune: its criteria with value, target, status and evidence, and its trend."""
    code = registry.commune_code(commune_code)
    require(actor, Permission.EXPORT, code)
    commune = session.get(Commune, code)
    if commune is None:
        place = registry.province_name(get_settings().province)
        raise registry.UnknownCode(
            f"No commune with code {code} in the database ({place}): check the code, or run `readiness init`"
        )
    rows = queries.commune_status(session, as_of, code).sort_values("position")
    first = rows.iloc[0]
    place = f"{commune.name} ({code}) · {first.province_name}"
    title = tr(lang, "Phiếu mức độ sẵn sàng", "Commune readiness sheet")
    pdf = _Pdf(lang, f"Readiness · {place} · {tr(lang, 'tính đến', 'as of')} {format_date(as_of, lang)}")
    criteria = len(queries.catalog(session))
    _header(pdf, title, place, as_of, criteria, lang)

    green = int((rows["status"] == "green").sum())
    if pd.isna(first.reporting_date):
        summary = tr(
            lang,
            f"Chưa có báo cáo nào tính đến ngày {format_date(as_of, lang)}.",
            f"No report as of {format_date(as_of, lang)}.",
        )
    else:
        summary = tr(
            lang,
            f"Đạt {format_count(green, criteria, lang)} tiêu chí · theo báo cáo ngày "
            f"{format_date(first.reporting_date, lang)}",
            f"{format_count(green, criteria, lang)} criteria met · from the report of "
            f"{format_date(first.reporting_date, lang)}",
        )
        if first.review_status == ReviewStatus.PENDING:
            summary += tr(lang, " (chờ duyệt)", " (pending review)")
    pdf.text_line(summary, size=11, style="B")
    pdf.ln(1)

    timely = queries.timeliness(session, as_of, first.province_code, code)
    sheet = views.commune_sheet(rows, timely, lang)
    evidence = (nfc(printable(e)) for e in sheet["evidence"])
    sheet["evidence"] = [e if len(e) <= _EVIDENCE_CHARS else e[: _EVIDENCE_CHARS - 1] + "…" for e in evidence]
    pdf.view_table(views.COMMUNE_SHEET, sheet, lang, size=7.5)
    if pd.notna(first.reporting_date):
        chart = charts.commune_trend_chart(queries.commune_trend(session, as_of, code), lang, criteria)
        pdf.chart(tr(lang, "Số tiêu chí đạt qua các lần báo cáo", "Criteria met, report by report"), chart, 60, 25)
    return bytes(pdf.output())
