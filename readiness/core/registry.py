"""The official 2025 registry of provinces and communes, from the vietnam-provinces package."""

from functools import cache

from sqlmodel import Session, select
from vietnam_provinces import Province as RegistryProvince
from vietnam_provinces import ProvinceCode, Ward

from readiness.core.models import Commune, Province
from readiness.core.settings import NATIONAL
from readiness.core.text import nfc

NATIONAL_NAME = "Toàn quốc"


class UnknownCode(ValueError):
    pass


def commune_code(text: str | int) -> str:
    """The official 5-digit commune code: "70", 70 and "00070" all give "00070"."""
    raw = str(text).strip()
    if raw.endswith(".0"):  # spreadsheet readers return whole numbers as floats
        raw = raw[:-2]
    if not raw.isdigit() or len(raw) > 5:
        raise UnknownCode(f"{text!r} is not a commune code (up to 5 digits, e.g. 00070)")
    return f"{int(raw):05d}"


@cache
def province_of(commune_code: str) -> str | None:
    """The province ("01") of an official commune code ("00070"), from the registry; None for an unknown code."""
    try:
        ward = Ward.from_code(int(commune_code))
    except (ValueError, KeyError):
        return None
    return f"{int(ward.province_code):02d}"


def provinces() -> list[Province]:
    return [Province(code=f"{int(p.code):02d}", name=nfc(p.name)) for p in RegistryProvince.iter_all()]


def communes(province: str) -> list[Commune]:
    """Communes of one province ("01"), or of the whole country (NATIONAL)."""
    wards = Ward.iter_all() if province == NATIONAL else _wards_of(province)
    return [
        Commune(
            code=f"{int(w.code):05d}",
            name=nfc(w.name),
            kind=nfc(w.division_type.value),
            province_code=f"{int(w.province_code):02d}",
        )
        for w in wards
    ]


def _wards_of(province: str):
    province_name(province)  # raises for an unknown code
    return Ward.iter_by_province(ProvinceCode(int(province)))


def province_name(province: str) -> str:
    if province == NATIONAL:
        return NATIONAL_NAME
    names = {p.code: p.name for p in provinces()}
    if province not in names:
        raise UnknownCode(f"{province!r} is not an official province code (34 provinces since 01/07/2025)")
    return names[province]


def seed(session: Session, province: str) -> int:
    """Add the provinces and the communes of `province` (or all) that are missing. Returns how many communes."""
    known_provinces = set(session.exec(select(Province.code)))
    session.add_all(p for p in provinces() if p.code not in known_provinces)
    session.flush()
    known = set(session.exec(select(Commune.code)))
    missing = [c for c in communes(province) if c.code not in known]
    session.add_all(missing)
    session.flush()
    return len(missing)
