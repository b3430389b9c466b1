import pytest

from readiness.core import registry
from readiness.core.settings import NATIONAL


def test_ha_noi_has_126_communes():
    communes = registry.communes("01")
    assert len(communes) == 126
    kinds = {c.kind for c in communes}
    assert kinds == {"phường", "xã"}


def test_whole_country_has_3321_communes_in_34_provinces():
    assert len(registry.communes(NATIONAL)) == 3321
    assert len(registry.provinces()) == 34


def test_codes_are_official_five_digit_strings():
    hoan_kiem = next(c for c in registry.communes("01") if c.name == "Phường Hoàn Kiếm")
    assert hoan_kiem.code == "00070"
    assert hoan_kiem.province_code == "01"


@pytest.mark.parametrize("raw", ["70", 70, "00070", " 70 ", "70.0"])
def test_commune_code_accepts_the_code_without_leading_zeros(raw):
    assert registry.commune_code(raw) == "00070"


@pytest.mark.parametrize("raw", ["", "abc", "123456", "-70"])
def test_commune_code_rejects_what_is_not_a_code(raw):
    with pytest.raises(registry.UnknownCode):
        registry.commune_code(raw)


def test_unknown_province_is_refused_with_its_code():
    with pytest.raises(registry.UnknownCode, match="'03'"):
        registry.communes("03")
