"""Evidence files: PDF, JPEG or PNG documents a commune (its own) or an officer attaches to one criterion.

The type is read from the content, never from the name, and the stored name takes its extension. Images above
READINESS_EVIDENCE_MAX_PIXELS are refused before they are decoded, and a thumbnail is made once at upload (pages
show it; the original only downloads, as an attachment). PDFs that run code or carry files, and files that are ZIP
archives too, are refused. A commune stores at most READINESS_EVIDENCE_QUOTA_MB. Files live in the database
(every replica sees them), with SHA-256, uploader and time. Nothing is ever deleted: a newer file with the same
name for the same commune and criterion supersedes the older one, which stays in the list. Only accounts that may
see a commune read its files.
"""

import hashlib
import io
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import NamedTuple

import pandas as pd
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from sqlalchemy import func, select
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
    """An evidence file refused (type, size, damaged or unsafe content, quota, unknown commune or criterion);
    nothing stored."""


_EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
THUMBNAIL_PX = 480
# PDF keys that run something or carry files: JavaScript, actions on open or on events, launching programs,
# attachments, embedded media. A commune's evidence is a document to read, so any of them refuses the file.
_ACTIVE_KEYS = {
    "/JS": ("JavaScript", "JavaScript"),
    "/JavaScript": ("JavaScript", "JavaScript"),
    "/OpenAction": ("lệnh tự chạy khi mở (OpenAction)", "an action run on opening (OpenAction)"),
    "/AA": ("lệnh tự chạy theo sự kiện (AA)", "actions run on events (AA)"),
    "/Launch": ("lệnh mở chương trình khác (Launch)", "a Launch action that starts another program"),
    "/EmbeddedFile": ("tệp đính kèm bên trong", "embedded files"),
    "/EmbeddedFiles": ("tệp đính kèm bên trong", "embedded files"),
    "/RichMedia": ("nội dung đa phương tiện nhúng", "embedded rich media"),
}


class Checked(NamedTuple):
    media_type: str
    # A JPEG of at most THUMBNAIL_PX for an image, None for a PDF.
    thumbnail: bytes | None


def media_type(data: bytes) -> str | None:
    """PDF, PNG or JPEG by the file's own magic number, None for anything else (the name is never trusted)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def limit_mb() -> int:
    return get_settings().evidence_limit_mb


def check(filename: str, data: bytes) -> Checked:
    """The media type (and thumbnail) of an acceptable evidence file, or EvidenceError saying what is wrong and
    what to do: empty, too large, not a PDF, JPEG or PNG by its content, damaged, an image with too many pixels,
    a PDF that runs something or carries files, or a file that is a ZIP archive as well."""
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
        raise EvidenceError(
            f"Tệp {filename} không phải PDF, JPEG hay PNG (xét theo nội dung tệp): hãy gửi bản PDF, JPEG hoặc PNG.",
            f"{filename} is not a PDF, JPEG or PNG (judged by its content): send a PDF, JPEG or PNG.",
        )
    # A ZIP directory at the end makes the same bytes an archive too (a polyglot): what opens it is not a viewer.
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise EvidenceError(
            f"Tệp {filename} đồng thời là một tệp nén ZIP (tệp lai): hãy xuất lại tài liệu thành PDF, JPEG hoặc PNG.",
            f"{filename} is a ZIP archive as well (a polyglot file): export the document again as a PDF, JPEG or PNG.",
        )
    if found == PDF:
        _check_pdf(filename, data)
        return Checked(PDF, None)
    return Checked(found, _thumbnail(filename, data, found))


def _damaged(filename: str) -> EvidenceError:
    return EvidenceError(
        f"Tệp {filename} bị hỏng hoặc không trọn vẹn: hãy gửi bản PDF, JPEG hoặc PNG đầy đủ.",
        f"{filename} is damaged or truncated: send a complete PDF, JPEG or PNG.",
    )


def _thumbnail(filename: str, data: bytes, kind: str) -> bytes:
    """The image's thumbnail (JPEG, at most THUMBNAIL_PX a side), made by decoding the whole file once, at a
    reduced scale for JPEG; its pixel count is checked from the header first, before anything is decoded."""
    most = get_settings().evidence_max_pixels
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; the limit here is lower and refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG" if kind == PNG else "JPEG"])
        with image:
            width, height = image.size
            if width * height > most:
                raise _too_many_pixels(filename, f"{width} × {height}", most)
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
    except EvidenceError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(filename, "", most) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _damaged(filename) from exc
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _too_many_pixels(filename: str, size: str, most: int) -> EvidenceError:
    megapixels = most / 1_000_000
    vi_size, en_size = (f"({size} điểm ảnh) ", f"({size} pixels) ") if size else ("", "")
    return EvidenceError(
        f"Ảnh {filename} {vi_size}quá lớn: tối đa {format_number(megapixels, 'vi')} megapixel; hãy chụp hoặc quét "
        "lại với độ phân giải thấp hơn.",
        f"The image {filename} {en_size}is too large: at most {megapixels:g} megapixels; take or scan it again at a "
        "lower resolution.",
    )


def _check_pdf(filename: str, data: bytes) -> None:
    """Refuse a PDF pypdf cannot read, without pages, or holding anything active (_ACTIVE_KEYS) in any object
    reachable from its trailer (where a viewer would find it)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if not reader.pages:
            raise _damaged(filename)
        found = _active(reader.trailer)
    except EvidenceError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed input; all of them mean "not a sound PDF"
        raise _damaged(filename) from exc
    if found:
        vi = ", ".join(dict.fromkeys(_ACTIVE_KEYS[k][0] for k in found))
        en = ", ".join(dict.fromkeys(_ACTIVE_KEYS[k][1] for k in found))
        raise EvidenceError(
            f"Tệp PDF {filename} chứa {vi}: không nhận tệp có thể tự chạy lệnh hoặc mang tệp khác. Hãy in lại "
            "tài liệu ra PDF (Print to PDF) hoặc quét bản giấy.",
            f"The PDF {filename} contains {en}: files that can run code or carry other files are refused. Print the "
            "document to PDF again (Print to PDF) or scan the paper copy.",
        )


def _active(root: object, most: int = 200_000) -> list[str]:
    """The active keys (and /S /Launch, /S /JavaScript actions) in every object reachable from `root`."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack and len(seen) < most:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found += [key for key in item if key in _ACTIVE_KEYS]
            if item.get("/S") in ("/Launch", "/JavaScript"):
                found.append("/Launch" if item.get("/S") == "/Launch" else "/JavaScript")
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def stored_name(name: str, kind: str) -> str:
    """The file name kept and served: its extension is the one of the type read from the content
    (quyet-dinh.hta holding a PDF is kept as quyet-dinh.pdf)."""
    path = PurePosixPath(name)
    if path.suffix.lower() in _EXTENSIONS[kind]:
        return name
    return f"{path.stem if path.suffix else name}{_EXTENSIONS[kind][0]}"


def clean_filename(name: str) -> str:
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
    checked = check(clean_filename(filename), data)
    name, kind = stored_name(clean_filename(filename), checked.media_type), checked.media_type
    _check_quota(session, code, name, len(data))
    row = EvidenceFile(
        commune_code=code,
        criterion_code=criterion,
        filename=name,
        media_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        thumbnail=checked.thumbnail,
        uploaded_by=actor.name,
        uploaded_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor.name, "evidence.add", f"{code} {criterion}", f"{name} ({kind})", row.sha256)
    flags.evidence_added(session, code)
    return row.id


def _check_quota(session: Session, commune_code: str, filename: str, size: int) -> None:
    quota = get_settings().evidence_quota_mb
    used = session.execute(
        select(func.coalesce(func.sum(EvidenceFile.size), 0)).where(EvidenceFile.commune_code == commune_code)
    ).scalar_one()
    if used + size > quota * 1024 * 1024:
        used_mb, free_mb = used / 1024 / 1024, max(quota * 1024 * 1024 - used, 0) / 1024 / 1024
        raise EvidenceError(
            f"Không lưu được {filename}: minh chứng của xã, phường đã dùng {format_number(used_mb, 'vi', 1)} MB "
            f"trong hạn mức {quota} MB (còn {format_number(free_mb, 'vi', 1)} MB). Hãy nén tệp, hoặc nhờ Sở KH&CN.",
            f"{filename} cannot be stored: the commune's evidence uses {used_mb:.1f} MB of its {quota} MB quota "
            f"({free_mb:.1f} MB left). Compress the file, or ask the DOST.",
        )


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
    return files_of(session, actor, [commune_code])[0]


def files_of(session: Session, actor: Actor, commune_codes: list[str]) -> list[pd.DataFrame]:
    """`files` of several communes in one query (a page of the review queue), in the order asked."""
    codes = [_commune(session, c) for c in commune_codes]
    for code in set(codes):
        require(actor, Permission.VIEW_COMMUNE, code)
    statement = (
        select(*_LISTED)
        .where(EvidenceFile.commune_code.in_(set(codes)))
        .order_by(EvidenceFile.criterion_code, EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
    )
    result = session.execute(statement)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["superseded"] = frame.duplicated(["commune_code", "criterion_code", "filename"], keep="first")
    return [frame[frame["commune_code"] == code].reset_index(drop=True) for code in codes]


def thumbnail(session: Session, actor: Actor, evidence_id: int) -> bytes | None:
    """An image's stored thumbnail (JPEG), for an account that may see its commune; None for a PDF."""
    row = session.execute(
        select(EvidenceFile.commune_code, EvidenceFile.thumbnail).where(EvidenceFile.id == evidence_id)
    ).one_or_none()
    if row is None:
        raise EvidenceError(f"Không có tệp minh chứng số {evidence_id}.", f"There is no evidence file {evidence_id}.")
    require(actor, Permission.VIEW_COMMUNE, row.commune_code)
    return row.thumbnail


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
