"""Each province's own official-report header and warning recipients in a national installation, kept in the
database (`readiness province set`, the Provinces page), audited. Single-province mode keeps reading them from
the READINESS_REPORT_* and READINESS_WARNING_RECIPIENTS settings; the national report's default issuing body is the
Ministry of Science and Technology."""

from dataclasses import dataclass, fields
from datetime import UTC, datetime

import pandas as pd
from sqlmodel import Session, select

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, Refusal, readable_province, require
from readiness.core import addresses, db, registry
from readiness.core.models import ProvinceSetting
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc


class SettingError(Refusal, ValueError):
    """A province setting refused; nothing changed."""


@dataclass(frozen=True)
class Header:
    """What heads a scope's official report and who gets its warning list. Empty place: from the province name."""

    issuing_body: str
    issuer_code: str
    place: str
    signer_title: str  # ";" starts a new line
    signer_name: str
    recipients: list[str]


# The national report is the Ministry's unless READINESS_REPORT_* say otherwise.
MINISTRY = Header(
    issuing_body="Bộ Khoa học và Công nghệ",
    issuer_code="BKHCN",
    place="Hà Nội",
    signer_title="BỘ TRƯỞNG",
    signer_name="",
    recipients=[],
)
EDITABLE = ("issuing_body", "issuer_code", "place", "signer_title", "signer_name", "recipients")


def _from_environment() -> Header:
    s = get_settings()
    return Header(
        s.report_issuing_body,
        s.report_issuer_code,
        s.report_place,
        s.report_signer_title,
        s.report_signer_name,
        s.warning_recipient_list,
    )


def header(province: str) -> Header:
    """The header and recipients of `province` ("01", or NATIONAL): the settings in single-province mode; in
    national mode a province's stored values over the settings', and for the whole country the Ministry's unless
    a READINESS_REPORT_* setting is given."""
    s = get_settings()
    base = _from_environment()
    if not s.national:
        return base
    if province == NATIONAL:
        given = s.model_fields_set
        named = {"report_issuing_body": "issuing_body", "report_issuer_code": "issuer_code", "report_place": "place"}
        named |= {"report_signer_title": "signer_title", "report_signer_name": "signer_name"}
        chosen = {f: getattr(base, f) if key in given else getattr(MINISTRY, f) for key, f in named.items()}
        return Header(**chosen, recipients=base.recipients)
    with db.session() as session:
        row = session.get(ProvinceSetting, province)
    if row is None:
        return base
    stored = {f.name: getattr(row, f.name) for f in fields(Header) if f.name in EDITABLE}
    stored["recipients"] = _addresses(row.recipients) if row.recipients else base.recipients
    return Header(**{k: v or getattr(base, k) for k, v in stored.items()})


def _addresses(text: str) -> list[str]:
    return [a.strip().lower() for a in text.split(",") if a.strip()]


def save(session: Session, actor: Actor, province: str, **values: str | None) -> ProvinceSetting:
    """Set some of a province's values (None: leave as is; "": back to the default), audited. National mode only;
    an admin of a province sets its own province only."""
    require(actor, Permission.MANAGE_PROVINCE)
    if not get_settings().national:
        raise SettingError(
            "Ứng dụng này phục vụ một tỉnh: các giá trị của báo cáo đặt bằng biến môi trường READINESS_REPORT_*.",
            "This app serves one province: its report values are the READINESS_REPORT_* settings.",
        )
    code = readable_province(actor, province)
    if code == NATIONAL:
        raise SettingError("Hãy chọn một tỉnh, thành phố.", "Choose one province.")
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not a province setting: {', '.join(sorted(unknown))}")
    changes = {k: nfc(v) for k, v in values.items() if v is not None}
    if "recipients" in changes:
        try:
            changes["recipients"] = ", ".join(addresses.email_address(a) for a in _addresses(changes["recipients"]))
        except addresses.AddressError as exc:
            raise SettingError(
                f"{exc.vi} Ghi các địa chỉ cách nhau bằng dấu phẩy.", f"{exc.en} Separate the addresses with commas."
            ) from None
    row = session.get(ProvinceSetting, code) or ProvinceSetting(
        province_code=code, updated_at=datetime.now(UTC), updated_by=actor.name
    )
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at, row.updated_by = datetime.now(UTC), actor.name
    session.add(row)
    session.flush()
    detail = "; ".join(f"{k}={v!r}" for k, v in changes.items())
    audit.record(session, actor.name, "province.set", f"{code} {registry.province_name(code)}", detail)
    return row


def listing(session: Session, actor: Actor) -> pd.DataFrame:
    """The stored values of the provinces in the actor's scope, one row each (only provinces with values)."""
    require(actor, Permission.MANAGE_PROVINCE)
    scope = readable_province(actor)
    statement = select(ProvinceSetting).order_by(ProvinceSetting.province_code)
    if scope != NATIONAL:
        statement = statement.where(ProvinceSetting.province_code == scope)
    columns = ["province_code", *EDITABLE, "updated_at", "updated_by"]
    return pd.DataFrame([[getattr(r, c) for c in columns] for r in session.exec(statement)], columns=columns)
