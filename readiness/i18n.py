"""Vietnamese first, English on request: labels, numbers (1.234,5 / 1,234.5), dates (dd/mm/yyyy), today.

Labels are written as vi/en pairs where they are used (`tr(lang, "Tổng quan", "Overview")`), so no label
exists in one language only.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from readiness.settings import get_settings

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


def tr(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def format_number(value: float | None, lang: str, decimals: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(share: float | None, lang: str, decimals: int = 0) -> str:
    if share is None or share != share:
        return "–"
    return f"{format_number(share * 100, lang, decimals)}%"


def format_date(day: date | None, lang: str) -> str:
    if day is None or day != day:
        return "–"
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.strftime("%d %b %Y")


def format_datetime(moment: datetime | None, lang: str) -> str:
    if moment is None or moment != moment:
        return "–"
    local = moment.astimezone(ZoneInfo(get_settings().timezone))
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def status_label(status: str, lang: str) -> str:
    """How a status reads in tables, PDFs and exports, next to its colour (never colour alone)."""
    labels = {"green": ("Đạt", "Met"), "red": ("Chưa đạt", "Not met"), "grey": ("Chưa báo cáo", "Not reported")}
    return tr(lang, *labels[str(status)])
