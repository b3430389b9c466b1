"""E-mail addresses as they enter the app (an account, the recipients setting): exactly one address per value,
checked by email-validator (RFC 5322/6531 syntax, no display name, no list), never a hand-written pattern."""

from email_validator import EmailNotValidError, validate_email

from readiness.core.i18n import Bilingual
from readiness.core.text import nfc


class AddressError(Bilingual, ValueError):
    """A value that is not exactly one e-mail address; says what is wrong with it."""


def email_address(text: str) -> str:
    """The one address `text` holds, normalised (NFC, lower case: addresses are matched that way); AddressError when
    it is not exactly one valid address ("a@x.vn,b@y.vn", "Name <a@x.vn>", a line break…). Deliverability (DNS) is
    not checked: the app may run without a resolver, and a typo in a real domain would pass anyway."""
    value = nfc(text).lower()
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        several = "," in value or ";" in value or value.count("@") > 1
        hint_vi = " Mỗi ô chỉ nhận một địa chỉ." if several else ""
        hint_en = " Give one address per field." if several else ""
        raise AddressError(
            f"{value!r} không phải là một địa chỉ e-mail hợp lệ ({exc}).{hint_vi}",
            f"{value!r} is not one valid e-mail address ({exc}).{hint_en}",
        ) from None
