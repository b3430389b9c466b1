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
from collections.abc import Iterator
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
# Parsers also hold the styles whole, as objects many times the size of their XML. Excel's own limit of 64,000
# cell formats takes about 6 MB; the templates' styles take 3 KB.
STYLES_LIMIT = 4 * MB
# Repeated elements of a worksheet, each bounded (counted in one streamed pass): a parser builds an object for
# each, and some cost far more than their bytes (35,000 merged areas in an 11 KB file took a minute to read).
# The templates have 14 merged areas, a few dozen of everything else.
MAX_MERGED_AREAS = 1_000
MAX_REPEATED = 2_000  # of any other element outside the cells: formats, validations, links...
MAX_DEPTH = 32  # elements inside one another: the templates go 5 deep
MAX_ATTRIBUTES = 64
# A tag is read whole before its attributes can be counted, and re-read at every chunk while unfinished: one tag
# of megabytes costs seconds. The templates' longest tag is under 200 bytes.
MAX_TAG = 64 * 1024
_LONG_TAG = re.compile(rb"<[^<>]{%d}" % MAX_TAG)
ELEMENTS_PER_CELL = 16  # a cell's value, formula, inline text and its formatting runs

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CHUNK = 1 << 20
# Parsed in slices: the pull parser queues the events of all it is fed, and a slice of repeated tiny elements
# holds tens of thousands of them before the counts below can stop it.
_FEED = 64 * 1024
# Excel's own limit for the text of one cell.
MAX_CELL_TEXT = 32_767


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


Formulas = dict[str, frozenset[tuple[int, int]]]  # sheet name -> its cells (0-based) with a formula and no saved value


def check_container(filename: str, data: bytes, limits: Limits) -> tuple[list[Problem], Formulas]:
    """Refuse what is not a plain .xlsx workbook, or what would take a parser unbounded memory or time, before
    parsing it: returns the problems, and each sheet's formulas saved without their value (python-calamine shows
    such a cell as empty, so the reader must know them)."""
    limit_mb = limits.size_mb
    if not data:
        return [
            file_problem(
                "Tệp rỗng (0 byte). Hãy chọn đúng tệp phiếu .xlsx đã điền.",
                "The file is empty (0 bytes). Choose the filled-in .xlsx file.",
            )
        ], {}
    if len(data) > limit_mb * MB:
        return [
            file_problem(
                "Tệp nặng {size_vi} MB, vượt giới hạn {limit} MB. Xóa hình ảnh, trang tính thừa rồi lưu lại.",
                "The file is {size_en} MB, above the {limit} MB limit. Remove pictures and extra sheets and save it.",
                size_vi=format_number(len(data) / MB, "vi", 1),
                size_en=format_number(len(data) / MB, "en", 1),
                limit=limit_mb,
            )
        ], {}
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            return [
                file_problem(
                    "Tệp được đặt mật khẩu (mã hóa) nên không đọc được. Trong Excel: Tệp → Thông tin → Bảo vệ sổ "
                    "làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu, lưu lại rồi tải lên.",
                    "The workbook is password-protected (encrypted) and cannot be read. In Excel: File → Info → "
                    "Protect Workbook → Encrypt with Password, clear the password, save and upload again.",
                )
            ], {}
        return [
            file_problem(
                "Tệp là định dạng Excel 97–2003 (.xls). Mở trong Excel và lưu lại dạng Sổ làm việc Excel (.xlsx).",
                "The file is in the Excel 97–2003 format (.xls). Open it in Excel and save it as an Excel "
                "Workbook (.xlsx).",
            )
        ], {}
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
            ], {}
        return [
            file_problem(
                "Tệp '{name}' không phải sổ làm việc Excel (.xlsx). Hãy tải phiếu mẫu, điền vào đó và lưu dạng .xlsx.",
                "'{name}' is not an Excel workbook (.xlsx). Download the template, fill it in and save it as .xlsx.",
                name=filename,
            )
        ], {}
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
        ], {}


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    try:
        # Incremental: a character cut at the end of the sample is not a decoding error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\0" not in head


def _check_parts(archive: zipfile.ZipFile, filename: str, limits: Limits) -> tuple[list[Problem], Formulas]:
    parts = archive.infolist()
    names = {part.filename.lower() for part in parts}
    if any(part.flag_bits & 0x1 for part in parts):
        return [
            file_problem(
                "Tệp nén được đặt mật khẩu nên không đọc được. Bỏ mật khẩu, lưu lại dạng .xlsx rồi tải lên.",
                "The archive is password-protected and cannot be read. Remove the password, save as .xlsx "
                "and upload again.",
            )
        ], {}
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
        ], {}
    if _XLSX_MAIN.encode() not in content_types:
        return [
            file_problem(
                "Tệp '{name}' là tệp nén nhưng không phải sổ làm việc Excel (.xlsx). Hãy tải phiếu mẫu, điền "
                "vào đó và lưu dạng .xlsx.",
                "'{name}' is a zip archive but not an Excel workbook (.xlsx). Download the template, fill it in "
                "and save it as .xlsx.",
                name=filename,
            )
        ], {}
    budget = limits.size_mb * MB * MAX_INFLATION
    declared = sum(part.file_size for part in parts)
    worst = max(
        (part.file_size / max(part.compress_size, 1) for part in parts if part.file_size > RATIO_CHECKED_FROM),
        default=0.0,
    )
    if declared > budget or worst > MAX_RATIO:
        return [_bomb(declared, worst)], {}
    try:
        sheets, shared_strings = _workbook_parts(archive)
    except (KeyError, ElementTree.ParseError, _Hostile) as exc:
        return [file_problem(*UNREADABLE, detail=str(exc) or type(exc).__name__)], {}
    oversized = _oversized_part(parts, shared_strings)
    if oversized:
        return [oversized], {}
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
        ], {}
    # The sizes in the headers may lie. Inflating every part as a stream (zipfile stops at the declared size,
    # then checks the CRC: a part that inflates further is damaged) proves them before any parser sees the
    # file, in constant memory; worksheets are scanned for how far their cells reach on the way.
    formulas: Formulas = {}
    for part in parts:
        with archive.open(part) as stream:
            try:
                if part.filename in sheets:
                    problem, uncached = _scan_sheet(stream, sheets[part.filename], limits)
                    if problem:
                        return [problem], {}
                    if uncached:
                        formulas[sheets[part.filename]] = uncached
                elif part.filename in shared_strings:
                    _scan_shared_strings(stream)
                elif part.filename.lower().endswith(_XML_SUFFIXES):
                    _refuse_doctype(stream)
                else:
                    while stream.read(_CHUNK):
                        pass
            except (ElementTree.ParseError, _Hostile) as exc:
                detail = f"{part.filename}: {exc}"
                return [file_problem(*UNREADABLE, detail=detail)], {}
    return [], formulas


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
        elif name.endswith("styles.xml"):
            limit = STYLES_LIMIT
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


def _scan_sheet(stream: IO[bytes], name: str, limits: Limits) -> tuple[Problem | None, frozenset[tuple[int, int]]]:
    """How far a worksheet's cells, used range and merged areas reach, and how many times each element repeats,
    streamed in constant memory (each element is dropped once read): a problem naming the first cell beyond the
    limits or the element repeated too often, and the cells (0-based) holding a formula without a saved value.
    Cells without a reference are placed as a parser places them, after the previous one."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    open_elements: list[str] = []
    row = column = rows = cells = in_cells = merged = merged_cells = 0
    repeated: dict[str, int] = {}
    cell_formula = cell_value = False
    uncached: set[tuple[int, int]] = set()
    declared: Problem | None = None
    max_cells = limits.max_rows * limits.max_columns
    parents: list[ElementTree.Element] = []
    for event, element in _events(stream, parser):
        tag = _local(element.tag)
        if event == "end":
            open_elements.pop()
            parents.pop()
            if parents:
                parents[-1].remove(element)
            if element.text and len(element.text) > MAX_CELL_TEXT:
                return _too_long(name, row, column, len(element.text)), frozenset()
            if tag == "f":
                cell_formula = True
            elif tag == "v":
                cell_value = bool(element.text)
            elif tag == "c" and cell_formula and not cell_value:
                uncached.add((row - 1, column - 1))
            continue
        inside_cell = "c" in open_elements
        open_elements.append(tag)
        parents.append(element)
        if len(open_elements) > MAX_DEPTH or len(element.attrib) > MAX_ATTRIBUTES:
            raise _Hostile(f"<{tag[:20]}>: {len(open_elements)} deep, {len(element.attrib)} attributes")
        reaches: list[tuple[int, int]] = []
        if inside_cell:
            in_cells += 1
            if in_cells > ELEMENTS_PER_CELL * max_cells:
                return _repeated(name, tag, ELEMENTS_PER_CELL * max_cells), frozenset()
        elif tag == "row":
            rows += 1
            if rows > limits.max_rows:
                return _repeated(name, tag, limits.max_rows), frozenset()
            row = _number(element.get("r")) if element.get("r") else row + 1
            column = 0
        elif tag == "c":
            reference = element.get("r")
            row, column = _cell(reference) if reference else (max(row, 1), column + 1)
            cells += 1
            cell_formula = cell_value = False
            reaches.append((row, column))
        elif tag in ("dimension", "mergeCell"):
            corners = [_cell(corner) for corner in element.get("ref", "").split(":") if corner]
            reaches.extend(corners)
            within = all(r <= limits.max_rows and c <= limits.max_columns for r, c in corners)
            if tag == "mergeCell" and corners and within:  # (an area reaching beyond the limits is named below)
                merged += 1
                # A parser marks every cell an area covers: together the areas may cover the sheet once.
                (top, left), (bottom, right) = corners[0], corners[-1]
                merged_cells += (abs(bottom - top) + 1) * (abs(right - left) + 1)
                if merged > MAX_MERGED_AREAS or merged_cells > max_cells:
                    return _too_many_merged(name, limits), frozenset()
        else:
            repeated[tag] = repeated.get(tag, 0) + 1
            if repeated[tag] > MAX_REPEATED:
                return _repeated(name, tag, MAX_REPEATED), frozenset()
        for reach in reaches:
            if reach[0] > limits.max_rows or reach[1] > limits.max_columns:
                if tag != "dimension":
                    return _beyond(name, reach, limits), frozenset()
                # The used range the file declares comes first: name the cell that reaches far, if any.
                declared = declared or _beyond(name, reach, limits)
        if cells > max_cells:
            return _too_many_cells(name, limits), frozenset()
    parser.close()
    return declared, frozenset(uncached)


def _events(stream: IO[bytes], parser: ElementTree.XMLPullParser) -> Iterator[tuple[str, ElementTree.Element]]:
    """A part's parse events, fed in slices; refuses a DTD and a tag so long that it could only be an attack."""
    unfinished = b""  # the end of the previous slice: a tag it did not finish, or enough to find a split DOCTYPE
    while chunk := stream.read(_CHUNK):
        for offset in range(0, len(chunk), _FEED):
            piece = chunk[offset : offset + _FEED]
            raw = unfinished + piece
            if _DOCTYPE in raw:
                raise _Hostile("DOCTYPE")
            if _LONG_TAG.search(raw):
                raise _Hostile(f"a tag longer than {MAX_TAG} bytes")
            start = raw.rfind(b"<")
            unfinished = raw[start:] if start > raw.rfind(b">") else raw[-len(_DOCTYPE) :]
            parser.feed(piece)
            yield from parser.read_events()


def _scan_shared_strings(stream: IO[bytes]) -> None:
    """The shared strings, streamed: no text longer than a cell can hold, no deep nesting."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    parents: list[ElementTree.Element] = []
    for event, element in _events(stream, parser):
        if event == "start":
            parents.append(element)
            if len(parents) > MAX_DEPTH:
                raise _Hostile(f"{len(parents)} elements deep")
            continue
        parents.pop()
        if parents:
            parents[-1].remove(element)
        if element.text and len(element.text) > MAX_CELL_TEXT:
            raise _Hostile(f"a text of {len(element.text)} characters, more than the {MAX_CELL_TEXT} of a cell")
    parser.close()


def _too_long(sheet: str, row: int, column: int, length: int) -> Problem:
    cell = f"{get_column_letter(min(max(column, 1), 16384))}{row}"
    return Problem(
        sheet,
        cell,
        f"Ô {cell} chứa {length} ký tự, quá {MAX_CELL_TEXT} ký tự mà một ô Excel có thể chứa; tệp không do Excel "
        "tạo ra hoặc đã bị sửa. Rút gọn nội dung ô, lưu lại trong Excel rồi tải lên.",
        f"Cell {cell} holds {length} characters, more than the {MAX_CELL_TEXT} an Excel cell can hold; the file was "
        "not written by Excel or was altered. Shorten the cell, save it in Excel and upload it again.",
    )


def _too_many_merged(sheet: str, limits: Limits) -> Problem:
    cells = limits.max_rows * limits.max_columns
    return Problem(
        sheet,
        "",
        f"Trang tính '{sheet}' có quá nhiều ô gộp (merge): hơn {MAX_MERGED_AREAS} vùng gộp, hoặc các vùng gộp phủ "
        f"hơn {cells} ô, trong khi phiếu mẫu chỉ có vài chục. Chọn cả trang tính rồi bỏ gộp ô (Trang đầu → Gộp và "
        "Căn giữa → Bỏ gộp ô), hoặc chép các ô cần thiết sang phiếu mẫu mới, lưu lại rồi tải lên.",
        f"Sheet '{sheet}' has too many merged cells: more than {MAX_MERGED_AREAS} merged areas, or areas covering "
        f"more than {cells} cells, where the template has a few dozen. Select the whole sheet and unmerge (Home → "
        "Merge & Center → Unmerge Cells), or copy the cells that matter into a new template, save and upload again.",
    )


def _repeated(sheet: str, tag: str, limit: int) -> Problem:
    return Problem(
        sheet,
        "",
        f"Trang tính '{sheet}' có hơn {limit} phần tử <{tag[:40]}> (định dạng, quy tắc hoặc dữ liệu ẩn lặp lại), "
        "nhiều hơn mọi phiếu hay bảng tổng hợp; có thể tệp do một chương trình lỗi tạo ra. Chép các ô cần thiết "
        "sang phiếu mẫu mới, lưu lại rồi tải lên.",
        f"Sheet '{sheet}' has more than {limit} <{tag[:40]}> elements (formats, rules or hidden data repeated), "
        "more than any checklist or province workbook; a faulty program may have written it. Copy the cells that "
        "matter into a new template, save and upload again.",
    )


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
