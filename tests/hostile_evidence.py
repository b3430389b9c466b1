"""A hostile evidence corpus, generated (nothing binary in the repository): pixel bombs in PNG and JPEG, polyglots,
wrong extensions and scripted PDFs. Each case says what the upload must do with it (refuse with a reason, or keep
it under a corrected name)."""

import io
import struct
import zipfile
import zlib
from typing import NamedTuple

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


class Case(NamedTuple):
    name: str
    filename: str
    data: bytes
    # A fragment of the English refusal, or None when the file is kept (as `kept_as`).
    refused: str | None
    kept_as: str | None = None


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A real, complete 1-bit PNG of width × height white pixels: a few kilobytes that decode to a huge image."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def jpeg_bomb(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) declares width × height: decoders size their buffers from it."""
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def image(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "seagreen").save(buffer, kind)
    return buffer.getvalue()


def pdf(change: object = None) -> bytes:
    """A one-page PDF made by pypdf; `change(writer)` adds something to it first."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if change is not None:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.hta", "<script>alert(1)</script>")
    return buffer.getvalue()


def _open_action(kind: str, **fields: str) -> object:
    def change(writer: PdfWriter) -> None:
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        action.update({NameObject(f"/{k}"): TextStringObject(v) for k, v in fields.items()})
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return change


def _document_javascript(writer: PdfWriter) -> None:
    """JavaScript in the document's name tree (/Names /JavaScript), run when the file opens."""
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    names = ArrayObject([TextStringObject("init"), writer._add_object(action)])
    tree = DictionaryObject({NameObject("/Names"): names})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _page_action(writer: PdfWriter) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})


def corpus() -> list[Case]:
    return [
        Case("png pixel bomb 13000×13000", "anh.png", png_bomb(13_000, 13_000), "is too large"),
        Case("png above the limit 7000×6000", "anh.png", png_bomb(7_000, 6_000), "(7000 × 6000 pixels) is too large"),
        Case("jpeg pixel bomb 16000×11000", "anh.jpg", jpeg_bomb(16_000, 11_000), "(16000 × 11000 pixels)"),
        Case("jpeg past Pillow's own limit", "anh.jpg", jpeg_bomb(20_000, 20_000), "is too large"),
        Case(
            "html between %PDF- and %%EOF",
            "quyet-dinh.hta",
            b"%PDF-1.4\n<html><script>x</script></html>\n%%EOF\n",
            "damaged",
        ),
        Case("pdf + zip polyglot", "quyet-dinh.pdf", pdf() + _zip(), "ZIP archive as well"),
        Case("png + zip polyglot", "anh.png", image("PNG") + _zip(), "ZIP archive as well"),
        Case("pdf with document JavaScript", "a.pdf", pdf(_document_javascript), "JavaScript"),
        Case(
            "pdf with a JavaScript OpenAction",
            "a.pdf",
            pdf(_open_action("/JavaScript", JS="app.alert(1)")),
            "OpenAction",
        ),
        Case("pdf with a Launch action", "a.pdf", pdf(_open_action("/Launch", F="cmd.exe")), "Launch"),
        Case("pdf with an embedded file", "a.pdf", pdf(lambda w: w.add_attachment("a.exe", b"MZ")), "embedded files"),
        Case("pdf with a page action", "a.pdf", pdf(_page_action), "actions run on events"),
        Case("html named .pdf", "a.pdf", b"<html><body>hi</body></html>", "is not a PDF, JPEG or PNG"),
        Case("truncated png", "anh.png", image("PNG", (300, 300))[:200], "damaged"),
        Case("pdf named .hta", "quyet-dinh.hta", pdf(), None, "quyet-dinh.pdf"),
        Case("png named .exe", "anh.exe", image("PNG"), None, "anh.png"),
        Case("jpeg named .svg", "anh.svg", image("JPEG"), None, "anh.jpg"),
        Case("jpeg named .jpeg", "anh.jpeg", image("JPEG"), None, "anh.jpeg"),
        Case("pdf without extension", "quyet-dinh", pdf(), None, "quyet-dinh.pdf"),
    ]
