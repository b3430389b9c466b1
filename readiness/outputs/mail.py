"""The weekly warning list sent out by e-mail: the whole list (with the Excel) to the DOST and leaders, each listed
commune's own items to that commune's accounts.

Every delivery is recorded per week and recipient (table warning_delivery): a week already sent is not sent
again unless asked, and a delivery that failed (server unreachable, recipient refused) stays owed until a later
run sends it. Mail goes through the standard library's smtplib; nothing else is needed to send.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, readable_province, require
from readiness.core import addresses, db, registry
from readiness.core.i18n import format_date
from readiness.core.models import Account, Role, WarningDelivery
from readiness.core.progress import Progress, each
from readiness.core.scoring import Status
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc
from readiness.outputs import export, province_settings, task_texts
from readiness.outputs.views.wording import describe_status, warning_reason
from readiness.reading import queries
from readiness.reading import tasks as register

log = logging.getLogger(__name__)

WHOLE_LIST = "all"
# National mode: a province's whole list is recorded under "p" + its code, so that an address that gets the lists of
# several provinces gets each of them.
_PROVINCE_LIST = "p"
SENT = "sent"
FAILED = "failed"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MailNotConfigured(ValueError):
    pass


@dataclass
class Mail:
    """One message owed to one recipient: the whole list (scope "all"), one commune's items (its code), or one
    unit's tasks ("task:" and the unit's code)."""

    recipient: str
    scope: str
    subject: str
    body: str
    attachment: tuple[str, bytes] | None = None


@dataclass
class Delivery:
    recipient: str
    scope: str
    # "sent", "failed", "already sent" (skipped) or "dry run".
    outcome: str
    error: str = ""


def whole_list(province: str) -> str:
    """The delivery scope of `province`'s whole list."""
    return WHOLE_LIST if province in (NATIONAL, get_settings().province) else _PROVINCE_LIST + province


def is_whole_list(scope: str) -> bool:
    return scope == WHOLE_LIST or scope.startswith(_PROVINCE_LIST)


def week_of(day: date) -> date:
    """The Monday of `day`'s week: deliveries are counted once per week."""
    return day - timedelta(days=day.weekday())


def _text(lines: list[str]) -> str:
    # NFC line by line: nfc() also folds whitespace, and a mail body keeps its line breaks.
    return "\n".join(nfc(line) if line.strip() else "" for line in lines) + "\n"


def _commune_accounts(session: Session, codes: list[str]) -> dict[str, list[str]]:
    """Per listed commune, the e-mail addresses of its enabled commune accounts."""
    rows = session.execute(
        select(Account.commune_code, Account.email).where(
            Account.role == Role.COMMUNE,
            Account.commune_code.in_(codes),
            Account.email.is_not(None),
            Account.disabled.is_(False),
        )
    ).all()
    found: dict[str, list[str]] = {}
    for code, email in rows:
        try:
            found.setdefault(code, []).append(addresses.email_address(email))
        except addresses.AddressError:
            # Stored before addresses were checked ("a@x.vn,b@y.vn" would reach two mailboxes): never sent to.
            log.warning("commune %s: skipped the stored e-mail %r, not one valid address", code, email)
    return found


def _week_words(as_of: date) -> str:
    monday = week_of(as_of)
    return f"tuần từ {format_date(monday, 'vi')} đến {format_date(monday + timedelta(days=6), 'vi')}"


def _footer(sender: str, place: str) -> list[str]:
    return [
        "",
        "Thư này được gửi tự động từ hệ thống theo dõi mức độ sẵn sàng (Readiness); xin không trả lời thư này.",
        f"{sender} – {place}",
    ]


def _leaders_mail(
    recipient: str,
    warnings: pd.DataFrame,
    criteria: int,
    as_of: date,
    place: str,
    province: str,
    sender: str,
    task_lines: list[str],
) -> Mail:
    lines = [
        "Kính gửi Quý lãnh đạo,",
        "",
        f"{sender} gửi danh sách cảnh báo {_week_words(as_of)} về mức độ sẵn sàng "
        f"của các xã, phường ({place}) theo Nghị quyết 57-NQ/TW, số liệu tính đến ngày {format_date(as_of, 'vi')}.",
        "",
    ]
    if warnings.empty:
        lines.append("Tuần này không có xã, phường nào trong danh sách cảnh báo.")
    else:
        lines.append(f"Có {len(warnings)} xã, phường trong danh sách cảnh báo (nặng nhất trước):")
        for i, row in enumerate(warnings.itertuples(), start=1):
            lines.append(
                f"{i}. {row.commune_name} ({row.commune_code}): đạt {row.green}/{criteria} tiêu chí; "
                f"{warning_reason(row, 'vi')}."
            )
        lines += ["", "Danh sách đầy đủ ở tệp Excel đính kèm."]
    lines += task_lines
    return Mail(
        recipient=recipient,
        scope=whole_list(province),
        subject=nfc(f"Danh sách cảnh báo {_week_words(as_of)} – {place} ({len(warnings)} xã, phường)"),
        body=_text(lines + _footer(sender, place)),
    )


def _commune_mail(
    recipient: str, row: object, items: pd.DataFrame, criteria: int, as_of: date, footer: list[str]
) -> Mail:
    lines = [
        f"Kính gửi {row.commune_name},",
        "",
        f"{row.commune_name} ({row.commune_code}) có tên trong danh sách cảnh báo {_week_words(as_of)} về mức độ "
        f"sẵn sàng theo Nghị quyết 57-NQ/TW (số liệu tính đến ngày {format_date(as_of, 'vi')}).",
        f"Lý do: {warning_reason(row, 'vi')}.",
        f"Hiện đạt {row.green}/{criteria} tiêu chí. Các tiêu chí chưa đạt:",
    ]
    for item in describe_status(items, "vi").itertuples():
        late = f", quá hạn {item.days_overdue} ngày" if item.overdue else ""
        lines.append(
            f"- {item.criterion_code} {item.name}: {item.status_text.lower()}, giá trị {item.value_text}, "
            f"chỉ tiêu {item.target_text}, hạn {item.deadline_text}{late}."
        )
    lines += [
        "",
        f"Đề nghị {row.commune_name} khẩn trương hoàn thành các tiêu chí còn thiếu và gửi phiếu tự đánh giá cập nhật.",
    ]
    return Mail(
        recipient=recipient,
        scope=row.commune_code,
        subject=nfc(f"Cảnh báo {_week_words(as_of)}: {row.commune_name} chưa đạt tiến độ"),
        body=_text(lines + footer),
    )


def owed_mails(session: Session, as_of: date, province: str, *, actor: Actor) -> list[Mail]:
    """Every message of `as_of`'s week: the whole list to each of the scope's recipients
    (READINESS_WARNING_RECIPIENTS, or a province's own in national mode; always, so an empty week is said too), and
    each listed commune's own items to its accounts that have an e-mail."""
    require(actor, Permission.EXPORT)
    readable_province(actor, province)
    frame = queries.status(session, as_of, province)
    warnings = queries.warning_list(session, as_of, province)
    criteria = len(queries.catalog(session))
    place = registry.province_name(province)
    tasks = register.register(session, as_of, province=province)
    at_risk = get_settings().at_risk_days
    task_lines = task_texts.leaders_lines(tasks, at_risk) if not tasks.empty else []
    # The province's own recipients and name in national mode (province_settings), the settings' otherwise.
    header = province_settings.header(province)
    sender = header.issuing_body
    mails = [
        _leaders_mail(r, warnings, criteria, as_of, place, province, sender, task_lines) for r in header.recipients
    ]
    if mails:
        workbook = export.warning_list_workbook(session, as_of, province, "vi", actor=actor)
        for mail in mails:
            mail.attachment = (f"danh-sach-canh-bao-{as_of:%Y-%m-%d}.xlsx", workbook)
    accounts = _commune_accounts(session, warnings["commune_code"].tolist())
    not_green = frame[frame["status"] != Status.GREEN]
    for row in warnings.itertuples():
        items = not_green[not_green["commune_code"] == row.commune_code]
        footer = _footer(sender, registry.province_name(registry.province_of(row.commune_code) or province))
        mails += [_commune_mail(r, row, items, criteria, as_of, footer) for r in accounts.get(row.commune_code, [])]
    return mails + _task_mails(session, tasks, as_of, at_risk, sender, place)


TASK_SCOPE = "task:"


def _task_mails(
    session: Session, tasks: pd.DataFrame, as_of: date, at_risk: int, sender: str, place: str
) -> list[Mail]:
    """Each lead unit with overdue or due-soon tasks gets its own list, and nothing of another unit."""
    if tasks.empty:
        return []
    items = task_texts.unit_items(tasks, at_risk)
    recipients = task_texts.unit_recipients(session, list(items))
    names = dict(zip(tasks["lead_unit_code"], tasks["lead_unit_name"], strict=False))
    mails = []
    for code, (overdue, soon) in items.items():
        body = _text(task_texts.unit_lines(names[code], overdue, soon, at_risk, as_of) + _footer(sender, place))
        subject = nfc(f"Nhiệm vụ NQ57 {_week_words(as_of)}: {names[code]} có {len(overdue)} nhiệm vụ quá hạn")
        mails += [Mail(r, f"{TASK_SCOPE}{code}", subject, body) for r in recipients.get(code, [])]
    return mails


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body, charset="utf-8")
    if mail.attachment:
        name, data = mail.attachment
        maintype, subtype = XLSX.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def _connect() -> smtplib.SMTP:
    settings = get_settings()
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    except BaseException:
        smtp.close()
        raise
    return smtp


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(exc.recipients.values()))
        return f"recipient refused: {code} {reason.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server answered {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    return f"{type(exc).__name__}: {exc}"


def _record(session: Session, actor: Actor, week: date, mail: Mail, error: str | None) -> None:
    now = datetime.now(UTC)
    row = session.execute(
        select(WarningDelivery).where(
            WarningDelivery.week == week,
            WarningDelivery.recipient == mail.recipient,
            WarningDelivery.scope == mail.scope,
        )
    ).scalar_one_or_none()
    if row is None:
        row = WarningDelivery(week=week, recipient=mail.recipient, scope=mail.scope, status=FAILED, updated_at=now)
        session.add(row)
    row.attempts += 1
    row.updated_at = now
    row.status = FAILED if error else SENT
    row.last_error = error or ""
    if not error:
        row.sent_at = now
    outcome = f"failed: {error}" if error else "sent"
    audit.record(session, actor.name, "warnings.mail", mail.recipient, f"week {week}, {mail.scope}: {outcome}")


def sent_already(session: Session, week: date) -> set[tuple[str, str]]:
    rows = session.execute(
        select(WarningDelivery.recipient, WarningDelivery.scope).where(
            WarningDelivery.week == week, WarningDelivery.status == SENT
        )
    ).all()
    return {(recipient, scope) for recipient, scope in rows}


def send_warnings(
    as_of: date,
    province: str,
    *,
    actor: Actor,
    dry_run: bool = False,
    resend: bool = False,
    progress: Progress | None = None,
) -> list[Delivery]:
    """Send what `as_of`'s week still owes (everything with `resend`) and record each outcome as it happens, so
    a crash or a dead server loses nothing: what was not sent is sent by the next run."""
    settings = get_settings()
    week = week_of(as_of)
    with db.session() as session:
        mails = owed_mails(session, as_of, province, actor=actor)
        done = set() if resend else sent_already(session, week)
    if not settings.smtp_host and not dry_run and mails:
        raise MailNotConfigured("READINESS_SMTP_HOST is not set: set it (and READINESS_SMTP_PORT, ...) to send mail")
    deliveries = [Delivery(m.recipient, m.scope, "already sent") for m in mails if (m.recipient, m.scope) in done]
    todo = [m for m in mails if (m.recipient, m.scope) not in done]
    if dry_run:
        return deliveries + [Delivery(m.recipient, m.scope, "dry run") for m in todo]
    if not todo:
        return deliveries
    smtp = None
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        connection_error = f"cannot reach {settings.smtp_host}:{settings.smtp_port}: {_describe(exc)}"
    for mail in each(todo, progress, lambda mail: mail.recipient):
        error = None
        if smtp is None:
            error = connection_error
        else:
            try:
                smtp.send_message(_message(mail, settings.smtp_from))
            except smtplib.SMTPServerDisconnected as exc:
                error, smtp = _describe(exc), None
                connection_error = f"connection lost: {error}"
            except (OSError, smtplib.SMTPException) as exc:
                error = _describe(exc)
        with db.write_session() as session:
            _record(session, actor, week, mail, error)
        deliveries.append(Delivery(mail.recipient, mail.scope, FAILED if error else SENT, error or ""))
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return deliveries
