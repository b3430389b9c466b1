"""Container safety: what a received file must be before any parser touches it. A plain .xlsx workbook (not .xls,
encrypted, macro-enabled or another zip), no zip bomb, no DTD, no part larger than a checklist can need, at most
a few sheets, and no sheet whose cells reach beyond what a checklist or the province workbook can need: parsers
allocate a sheet's whole used range, so one cell at XFD1048576 would cost hundreds of GiB.

Everything here reads the zip as a stream with bounded memory.
"""

import codecs
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string, get_column_letter

from readiness.core.i18n import format_number
from readiness.intake.excel import layout
from readiness.intake.excel.problem import Problem, file_problem

# A real workbook's parts compress about 5-30 to 1; zip bombs reach 1000 to 1. Refuse, before inflating
# anything, a large part above this ratio or a whole file that would inflate beyond this many times the
# upload limit. Small parts may compress further harmlessly (a sheet of identical empty cells).
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1 << 20
MAX_INFLATION = 20
# A megabyte as Streamlit's server.maxUploadSize counts it, so that the two limits coincide.
MB = 1024 * 1024
# Parsers hold these parts whole in memory. A national province workbook's shared strings (3,321 commune names
# and the evidence texts) take well under 1 MB; a worksheet within the row and column limits well under 8 MB.
SHARED_STRINGS_LIMIT = 8 * MB
XML_PART_LIMIT = 32 * MB
WORKBOOK_PART_LIMIT = 1 * MB

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """How large a received file and its sheets may be."""

    size_mb: int
    max_rows: int
    max_columns: int


UNREADABLE = (
    "Không đọc được nội dung sổ làm việc ({detail}). Mở tệp trong Excel, lưu lại dạng .xlsx rồi tải lên lần nữa.",
    "The workbook's content cannot be read ({detail}). Open it in Excel, save it as .xlsx and upload it again.",
)


def check_container(filename: str, data: bytes, limits: Limits) -> tuple[list[Problem], bool]:
    """Refuse what is not a plain .xlsx workbook, or what would take a parser unbounded memory or time, before
    parsing it: returns the problems, and whether any worksheet holds formulas (only then is the slower check
    for formulas without saved values needed)."""
    limit_mb = limits.size_mb
    if not data:
        return [
            file_problem(
                "Tệp rỗng (0 byte). Hãy chọn đúng tệp phiếu .xlsx đã điền.",
                "The file is empty (0 bytes). Choose the filled-in .xlsx file.",
            )
        ], False
    if len(data) > limit_mb * MB:
        return [
            file_problem(
                "Tệp nặng {size_vi} MB, vượt giới hạn {limit} MB. Xóa hình ảnh, trang tính thừa rồi lưu lại.",
                "The file is {size_en} MB, above the {limit} MB limit. Remove pictures and extra sheets and save it.",
                size_vi=format_number(len(data) / MB, "vi", 1),
                size_en=format_number(len(data) / MB, "en", 1),
                limit=limit_mb,
            )
        ], False
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            return [
                file_problem(
                    "Tệp được đặt mật khẩu (mã hóa) nên không đọc được. Trong Excel: Tệp → Thông tin → Bảo vệ sổ "
                    "làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu, lưu lại rồi tải lên.",
                    "The workbook is password-protected (encrypted) and cannot be read. In Excel: File → Info → "
                    "Protect Workbook → Encrypt with Password, clear the password, save and upload again.",
                )
            ], False
        return [
            file_problem(
                "Tệp là định dạng Excel 97–2003 (.xls). Mở trong Excel và lưu lại dạng Sổ làm việc Excel (.xlsx).",
                "The file is in the Excel 97–2003 format (.xls). Open it in Excel and save it as an Excel "
                "Workbook (.xlsx).",
            )
        ], False
    if not data.startswith(b"PK"):
        if _looks_like_text(data):
            return [
                file_problem(
                    "Tệp '{name}' là văn bản (CSV hoặc TXT) chứ không phải sổ làm việc Excel, dù có đuôi .xlsx. "
                    "Hãy tải phiếu mẫu, điền vào đó và lưu dạng .xlsx.",
                    "'{name}' is a text file (CSV or TXT), not an Excel workbook, even if it ends in .xlsx. "
                    "Download the template, fill it in and save it as .xlsx.",
                    name=filename,
                )
            ], False
        return [
            file_problem(
                "Tệp '{name}' không phải sổ làm việc Excel (.xlsx). Hãy tải phiếu mẫu, điền vào đó và lưu dạng .xlsx.",
                "'{name}' is not an Excel workbook (.xlsx). Download the template, fill it in and save it as .xlsx.",
                name=filename,
            )
        ], False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _check_parts(archive, filename, limits)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return [
            file_problem(
                "Tệp bị hỏng hoặc không đầy đủ (có thể việc tải về hay sao chép bị ngắt giữa chừng). Mở tệp gốc "
                "trong Excel, lưu lại rồi tải lên lần nữa.",
                "The file is damaged or incomplete (perhaps a download or copy was cut short). Open the original "
                "in Excel, save it again and upload it.",
            )
        ], False


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    try:
        # Incremental: a character cut at the end of the sample is not a decoding error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\0" not in head


def _check_parts(archive: zipfile.ZipFile, filename: str, limits: Limits) -> tuple[list[Problem], bool]:
    parts = archive.infolist()
    names = {part.filename.lower() for part in parts}
    if any(part.flag_bits & 0x1 for part in parts):
        return [
            file_problem(
                "Tệp nén được đặt mật khẩu nên không đọc được. Bỏ mật khẩu, lưu lại dạng .xlsx rồi tải lên.",
                "The archive is password-protected and cannot be read. Remove the password, save as .xlsx "
                "and upload again.",
            )
        ], False
    content_types = archive.read("[Content_Types].xml") if "[content_types].xml" in names else b""
    macros = filename.lower().endswith((".xlsm", ".xltm")) or any(n.endswith("vbaproject.bin") for n in names)
    if macros or b"macroEnabled" in content_types:
        return [
            file_problem(
                "Tệp có macro (VBA) hoặc là tệp .xlsm; vì an toàn, hệ thống không nhận tệp có macro. Trong Excel "
                "chọn Lưu thành → Sổ làm việc Excel (.xlsx) rồi tải tệp .xlsx lên.",
                "The file contains macros (VBA) or is an .xlsm file; for safety, files with macros are refused. "
                "In Excel choose Save As → Excel Workbook (.xlsx) and upload the .xlsx file.",
            )
        ], False
    if _XLSX_MAIN.encode() not in content_types:
        return [
            file_problem(
                "Tệp '{name}' là tệp nén nhưng không phải sổ làm việc Excel (.xlsx). Hãy tải phiếu mẫu, điền "
                "vào đó và lưu dạng .xlsx.",
                "'{name}' is a zip archive but not an Excel workbook (.xlsx). Download the template, fill it in "
                "and save it as .xlsx.",
                name=filename,
            )
        ], False
    budget = limits.size_mb * MB * MAX_INFLATION
    declared = sum(part.file_size for part in parts)
    worst = max(
        (part.file_size / max(part.compress_size, 1) for part in parts if part.file_size > RATIO_CHECKED_FROM),
        default=0.0,
    )
    if declared > budget or worst > MAX_RATIO:
        return [_bomb(declared, worst)], False
    try:
        sheets, shared_strings = _workbook_parts(archive)
    except (KeyError, ElementTree.ParseError, _Hostile) as exc:
        return [file_problem(*UNREADABLE, detail=str(exc) or type(exc).__name__)], False
    oversized = _oversized_part(parts, shared_strings)
    if oversized:
        return [oversized], False
    if len(sheets) > layout.MAX_SHEETS:
        return [
            file_problem(
                "Sổ làm việc có {count} trang tính, quá {limit} trang tính mà một phiếu cần. Xóa các trang tính "
                "thừa, lưu lại rồi tải lên.",
                "The workbook has {count} sheets, more than the {limit} a checklist needs. Delete the extra sheets, "
                "save and upload again.",
                count=len(sheets),
                limit=layout.MAX_SHEETS,
            )
        ], False
    # The sizes in the headers may lie. Inflating every part as a stream (zipfile stops at the declared size,
    # then checks the CRC: a part that inflates further is damaged) proves them before any parser sees the
    # file, in constant memory; worksheets are scanned for how far their cells reach on the way.
    has_formulas = False
    for part in parts:
        with archive.open(part) as stream:
            try:
                if part.filename in sheets:
                    problem, formulas = _scan_sheet(stream, sheets[part.filename], limits)
                    if problem:
                        return [problem], False
                    has_formulas = has_formulas or formulas
                elif part.filename.lower().endswith(_XML_SUFFIXES):
                    _refuse_doctype(stream)
                else:
                    while stream.read(_CHUNK):
                        pass
            except (ElementTree.ParseError, _Hostile) as exc:
                detail = f"{part.filename}: {exc}"
                return [file_problem(*UNREADABLE, detail=detail)], False
    return [], has_formulas


class _Hostile(ValueError):
    """A part no spreadsheet program writes (a DTD, a cell reference that is not one)."""


_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DOCTYPE = b"<!DOCTYPE"


def _refuse_doctype(stream: IO[bytes]) -> None:
    """Read a part to its end, refusing a DTD: Office files never have one, and entity expansion is how XML
    bombs multiply a few bytes into gigabytes."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _DOCTYPE in tail + chunk:
            raise _Hostile("DOCTYPE")
        tail = chunk[-len(_DOCTYPE) :]


def _oversized_part(parts: list[zipfile.ZipInfo], shared_strings: set[str]) -> Problem | None:
    """A part larger than any checklist needs: parsers hold shared strings and workbook parts whole in memory."""
    for part in parts:
        name = part.filename.lower()
        if part.filename in shared_strings or name.endswith("sharedstrings.xml"):
            limit = SHARED_STRINGS_LIMIT
        elif name.endswith(_XML_SUFFIXES):
            limit = XML_PART_LIMIT
        else:
            continue
        if part.file_size > limit:
            return file_problem(
                "Phần '{part}' của sổ làm việc lớn {size} MB khi giải nén, vượt mức {limit} MB mà một phiếu có thể "
                "cần. Chép các ô cần thiết sang phiếu mẫu mới, lưu lại rồi tải lên.",
                "The workbook's part '{part}' inflates to {size} MB, beyond the {limit} MB a checklist can need. "
                "Copy the cells that matter into a new template, save and upload again.",
                part=part.filename,
                size=f"{part.file_size / MB:.0f}",
                limit=f"{limit // MB}",
            )
    return None


_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    part = archive.getinfo(name)
    if part.file_size > WORKBOOK_PART_LIMIT:
        raise _Hostile(f"{name}: {part.file_size} bytes")
    content = archive.read(part)
    if _DOCTYPE in content:
        raise _Hostile(f"{name}: DOCTYPE")
    return ElementTree.fromstring(content)


def _resolve(base: str, target: str) -> str:
    """A relationship's target as a part name: absolute from the package root, or relative to `base`'s folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], set[str]]:
    """Part name -> sheet name for every worksheet a parser would read (any part under xl/worksheets/ too), and
    the shared strings parts."""
    workbook = "xl/workbook.xml"
    package = _small_xml(archive, "_rels/.rels") if "_rels/.rels" in archive.namelist() else []
    for relation in package:
        if relation.get("Type", "").endswith("/officeDocument"):
            workbook = _resolve("", relation.get("Target", ""))
    relations_part = posixpath.join(posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels")
    relations = _small_xml(archive, relations_part)
    targets = {
        relation.get("Id"): _resolve(workbook, relation.get("Target", ""))
        for relation in relations
        if relation.get("Type", "").endswith("/worksheet")
    }
    shared_strings = {
        _resolve(workbook, relation.get("Target", ""))
        for relation in relations
        if relation.get("Type", "").endswith("/sharedStrings")
    }
    sheets = {name: name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    for element in _small_xml(archive, workbook).iter():
        if _local(element.tag) == "sheet":
            relation = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            part = targets.get(relation)
            sheets[part or f"({element.get('name', '')})"] = element.get("name", "")
    return sheets, shared_strings


_CELL_REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,9})")


def _cell(reference: str) -> tuple[int, int]:
    """(row, column), 1-based, of "B7" or "$B$7"."""
    found = _CELL_REFERENCE.fullmatch(reference.strip().upper())
    if not found:
        raise _Hostile(f"cell reference '{reference[:20]}'")
    return int(found.group(2)), column_index_from_string(found.group(1))


def _number(text: str) -> int:
    if not text.isdigit():
        raise _Hostile(f"row number '{text[:20]}'")
    return int(text)


def _scan_sheet(stream: IO[bytes], name: str, limits: Limits) -> tuple[Problem | None, bool]:
    """How far a worksheet's cells, used range and merged areas reach, streamed in constant memory (each element
    is dropped once read): a problem naming the first cell beyond the limits, and whether any cell has a formula.
    Cells without a reference are placed as a parser places them, after the previous one."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    open_elements: list[ElementTree.Element] = []
    row = column = cells = 0
    formulas = False
    declared: Problem | None = None
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _DOCTYPE in tail + chunk:
            raise _Hostile("DOCTYPE")
        tail = chunk[-len(_DOCTYPE) :]
        parser.feed(chunk)
        for event, element in parser.read_events():
            if event == "end":
                open_elements.pop()
                if open_elements:
                    open_elements[-1].remove(element)
                continue
            open_elements.append(element)
            tag = _local(element.tag)
            reaches: list[tuple[int, int]] = []
            if tag == "row":
                row = _number(element.get("r")) if element.get("r") else row + 1
                column = 0
            elif tag == "c":
                reference = element.get("r")
                row, column = _cell(reference) if reference else (max(row, 1), column + 1)
                cells += 1
                reaches.append((row, column))
            elif tag == "f":
                formulas = True
            elif tag in ("dimension", "mergeCell"):
                reaches.extend(_cell(corner) for corner in element.get("ref", "").split(":") if corner)
            for reach in reaches:
                if reach[0] > limits.max_rows or reach[1] > limits.max_columns:
                    if tag != "dimension":
                        return _beyond(name, reach, limits), formulas
                    # The used range the file declares comes first: name the cell that reaches far, if any.
                    declared = declared or _beyond(name, reach, limits)
            if cells > limits.max_rows * limits.max_columns:
                return _too_many_cells(name, limits), formulas
    parser.close()
    return declared, formulas


def _beyond(sheet: str, reach: tuple[int, int], limits: Limits) -> Problem:
    cell = f"{get_column_letter(min(reach[1], 16384))}{reach[0]}"
    last = f"{get_column_letter(limits.max_columns)}{limits.max_rows}"
    return Problem(
        sheet,
        cell,
        f"Trang tính '{sheet}' có ô được dùng (giá trị, định dạng hoặc ô gộp) tới {cell}, ngoài vùng mà một phiếu "
        f"hay bảng tổng hợp có thể cần (tối đa {limits.max_rows} dòng và {limits.max_columns} cột, tức tới ô "
        f"{last}). Xóa các dòng, cột thừa phía dưới và bên phải (hoặc xóa trang tính nếu không dùng), lưu lại rồi "
        "tải lên.",
        f"Sheet '{sheet}' uses cells (a value, formatting or merged cells) up to {cell}, beyond what a checklist or "
        f"the province workbook can need (at most {limits.max_rows} rows and {limits.max_columns} columns, up to "
        f"cell {last}). Delete the extra rows and columns below and to the right (or delete the sheet if unused), "
        "save and upload again.",
    )


def _too_many_cells(sheet: str, limits: Limits) -> Problem:
    count = limits.max_rows * limits.max_columns
    return Problem(
        sheet,
        "",
        f"Trang tính '{sheet}' có hơn {count} ô, nhiều hơn mọi phiếu hay bảng tổng hợp. Chép các ô cần thiết sang "
        "phiếu mẫu mới, lưu lại rồi tải lên.",
        f"Sheet '{sheet}' has more than {count} cells, more than any checklist or province workbook. Copy the "
        "cells that matter into a new template, save and upload again.",
    )


def _bomb(size: int, ratio: float) -> Problem:
    return file_problem(
        "Tệp khi giải nén lớn bất thường (trên {size} MB, nén {ratio}:1), có thể là tệp độc hại (zip bomb); hệ "
        "thống không mở tệp này. Hãy gửi phiếu được lưu trực tiếp từ Excel.",
        "The file would inflate to an absurd size (over {size} MB, compressed {ratio}:1) and may be malicious "
        "(a zip bomb); it is not opened. Send a checklist saved directly from Excel.",
        size=f"{size / MB:.0f}",
        ratio=f"{ratio:.0f}",
    )
