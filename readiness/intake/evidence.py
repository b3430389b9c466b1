"""Evidence files: PDF, JPEG or PNG documents a commune (its own) or an officer attaches to one criterion.

The type is read from the content, never from the name. Files live in the database (every replica sees them),
with SHA-256, uploader and time. Nothing is ever deleted: a newer file with the same name for the same commune and
criterion supersedes the older one, which stays in the list. Only accounts that may see a commune read its files.
"""

import hashlib
import io
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import NamedTuple

import pandas as pd
from PIL import Image
from sqlalchemy import select
from sqlmodel import Session

from readiness.access import audit
from readiness.access.permissions import Actor, Permission, Refusal, require
from readiness.core.i18n import format_number
from readiness.core.models import Criterion, EvidenceFile
from readiness.core.settings import get_settings
from readiness.core.text import nfc, sanitize
from readiness.intake import flags
from readiness.reading import status as readers

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class EvidenceError(Refusal, ValueError):
    """An evidence file refused (type, size, damaged content, unknown commune or criterion); nothing stored."""


def media_type(data: bytes) -> str | None:
    """PDF, PNG or JPEG from the file's own bytes, None for anything else: a PDF by its header and end-of-file
    marker, an image by its magic number and then Pillow reading it whole (so a page can show it)."""
    if data.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in data[-1024:] else None
    if data.startswith(_PNG_SIGNATURE):
        expected = PNG
    elif data.startswith(b"\xff\xd8\xff"):
        expected = JPEG
    else:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return expected


def limit_mb() -> int:
    return get_settings().evidence_limit_mb


def check(filename: str, data: bytes) -> str:
    """The media type of an acceptable evidence file, or EvidenceError saying what is wrong and what to do."""
    limit = limit_mb()
    if not data:
        raise EvidenceError(f"Tệp {filename} rỗng (0 byte).", f"{filename} is empty (0 bytes).")
    if len(data) > limit * 1024 * 1024:
        size = len(data) / 1024 / 1024
        raise EvidenceError(
            f"Tệp {filename} nặng {format_number(size, 'vi', 1)} MB, quá giới hạn {limit} MB; "
            "hãy nén hoặc chụp lại với độ phân giải thấp hơn.",
            f"{filename} is {size:.1f} MB, over the {limit} MB limit; compress it or scan at a lower resolution.",
        )
    found = media_type(data)
    if found is None:
        start = data[:5]
        damaged = start.startswith(b"%PDF") or start.startswith(_PNG_SIGNATURE[:4]) or start.startswith(b"\xff\xd8")
        raise EvidenceError(
            f"Tệp {filename} "
            + ("bị hỏng hoặc không trọn vẹn" if damaged else "không phải PDF, JPEG hay PNG (xét theo nội dung tệp)")
            + ": hãy gửi bản PDF, JPEG hoặc PNG đầy đủ.",
            f"{filename} "
            + ("is damaged or truncated" if damaged else "is not a PDF, JPEG or PNG (judged by its content)")
            + ": send a complete PDF, JPEG or PNG.",
        )
    return found


def _filename(name: str) -> str:
    # Only the last part of a path, whichever system wrote it.
    base, bad = sanitize(nfc(PureWindowsPath(PurePosixPath(name or "").name).name))
    if bad:
        raise EvidenceError(
            f"Tên tệp có ký tự điều khiển ({', '.join(bad)}); hãy đổi tên tệp.",
            f"The file name contains control characters ({', '.join(bad)}); rename the file.",
        )
    return base[:200] or "evidence"


def _commune(session: Session, commune_code: str) -> str:
    code = readers.commune_in_scope(session, commune_code)
    if code is None:
        raise EvidenceError(
            f"Không có xã/phường mã {commune_code!r} trong địa bàn.",
            f"There is no commune with code {commune_code!r} in the province.",
        )
    return code


def add(session: Session, actor: Actor, commune_code: str, criterion_code: str, filename: str, data: bytes) -> int:
    """Store one evidence file for a commune's criterion (a commune account: its own only). Returns its id."""
    code = _commune(session, commune_code)
    require(actor, Permission.ATTACH_EVIDENCE, code)
    criterion = criterion_code.strip().upper()
    if session.get(Criterion, criterion) is None:
        raise EvidenceError(f"Không có tiêu chí mã {criterion_code!r}.", f"There is no criterion {criterion_code!r}.")
    name = _filename(filename)
    kind = check(name, data)
    row = EvidenceFile(
        commune_code=code,
        criterion_code=criterion,
        filename=name,
        media_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor.name,
        uploaded_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor.name, "evidence.add", f"{code} {criterion}", f"{name} ({kind})", row.sha256)
    flags.evidence_added(session, code)
    return row.id


_LISTED = (
    EvidenceFile.id,
    EvidenceFile.commune_code,
    EvidenceFile.criterion_code,
    EvidenceFile.filename,
    EvidenceFile.media_type,
    EvidenceFile.size,
    EvidenceFile.sha256,
    EvidenceFile.uploaded_by,
    EvidenceFile.uploaded_at,
)


def files(session: Session, actor: Actor, commune_code: str) -> pd.DataFrame:
    """A commune's evidence files (without their bytes) by criterion, newest first; `superseded` marks a file that
    a newer one of the same name replaced."""
    code = _commune(session, commune_code)
    require(actor, Permission.VIEW_COMMUNE, code)
    statement = (
        select(*_LISTED)
        .where(EvidenceFile.commune_code == code)
        .order_by(EvidenceFile.criterion_code, EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
    )
    result = session.execute(statement)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["superseded"] = frame.duplicated(["criterion_code", "filename"], keep="first")
    return frame


class Download(NamedTuple):
    filename: str
    media_type: str
    content: bytes


def content(session: Session, actor: Actor, evidence_id: int) -> Download:
    """One file's bytes, for an account that may see its commune."""
    row = session.get(EvidenceFile, evidence_id)
    if row is None:
        raise EvidenceError(f"Không có tệp minh chứng số {evidence_id}.", f"There is no evidence file {evidence_id}.")
    require(actor, Permission.VIEW_COMMUNE, row.commune_code)
    return Download(row.filename, row.media_type, row.content)
