"""The official report: an administrative "báo cáo" in the format of Nghị định 30/2020/NĐ-CP (Phụ lục I), as PDF
(fpdf2) and as Word .docx (python-docx) for offices that edit before signing.

The document's content is built once (content.build: header fields, body paragraphs, annex tables and charts) from
the same query functions as the pages and `readiness summary --json`, then laid out by two renderers (pdf, docx),
so both files say the same words. Layout as the decree sets (layout): A4, margins 20/20/30/15 mm, body 14 pt
justified with a 1.27 cm first-line indent, page numbers centred at the top from page 2. The .docx names Times New
Roman; the PDF embeds Noto Serif (full Vietnamese coverage) from the fontpkg-noto-serif package, never a system font.
"""

from datetime import date

from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, require
from readiness.core.progress import Progress, tell
from readiness.outputs.fonts import serif_files
from readiness.outputs.official import pdf
from readiness.outputs.official.content import Details, Document, build

__all__ = ["DOCX", "FORMATS", "PDF", "Details", "Document", "build", "official_report", "serif_files"]

PDF = "pdf"
DOCX = "docx"
FORMATS = (PDF, DOCX)


def official_report(
    session: Session,
    as_of: date,
    province: str,
    fmt: str,
    details: Details | None = None,
    *,
    actor: Actor,
    issued: date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The official report as PDF or .docx bytes (`fmt` "pdf" or "docx"); `progress` is told when its figures and
    text are ready, then when the file is laid out."""
    require(actor, Permission.EXPORT)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    document = build(session, as_of, province, details or Details.from_settings(province), issued=issued)
    tell(progress, 1, 2, "text")
    if fmt == PDF:
        data = pdf.render(document)
    else:
        # Loaded on demand: python-docx is needed only by this format.
        from readiness.outputs.official import docx

        data = docx.render(document)
    tell(progress, 2, 2, fmt)
    return data
