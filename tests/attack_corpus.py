"""Hostile workbooks under the upload limit, built from a filled checklist or province workbook by rewriting their XML:
each repeats some element or bloats some part as an attacker (or a broken program) would. Used by
tests/test_excel_corpus.py (each is refused or read, with a bounded list of problems) and benchmarks/bench_attacks.py
(each is refused or read within 2 s and 300 MB)."""

import io
import random
import re
import zipfile
from collections.abc import Callable

from excel_fill import open_sheet, save

SHEET_PART = "xl/worksheets/sheet1.xml"
STYLES_PART = "xl/styles.xml"
STRINGS_PART = "xl/sharedStrings.xml"


def rewritten(data: bytes, edits: dict[str, Callable[[str], str]], added: dict[str, str] | None = None) -> bytes:
    """The workbook with some parts' text changed (part name -> edit) and some parts added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            edit = edits.get(item.filename)
            # Fastest compression: the large parts take seconds otherwise, and compress less (further from a bomb).
            target.writestr(item.filename, edit(content.decode()).encode() if edit else content, compresslevel=1)
        for name, text in (added or {}).items():
            target.writestr(name, text.encode(), compresslevel=1)
    return buffer.getvalue()


def _after_sheet_data(xml: str, text: str) -> str:
    return xml.replace("</sheetData>", "</sheetData>" + text, 1)


def _in_sheet_data(xml: str, text: str) -> str:
    return xml.replace("</sheetData>", text + "</sheetData>", 1)


def _merged(xml: str, areas: list[str]) -> str:
    """The sheet with `areas` merged on top of its own merged areas."""
    cells = "".join(f'<mergeCell ref="{area}"/>' for area in areas)
    if "<mergeCells" in xml:
        return re.sub(r"<mergeCells[^>]*>", lambda m: m.group(0) + cells, xml, count=1)
    return _after_sheet_data(xml, f"<mergeCells>{cells}</mergeCells>")


def _one_formula(xml: str) -> str:
    return _in_sheet_data(xml, '<row r="300"><c r="A300"><f>1+1</f></c></row>')


def _bloated_styles(xml: str, size: int) -> str:
    """styles.xml with about `size` bytes of cell formats as Excel writes them, varied as in a workbook bloated by
    copying between files (so that it compresses about 50 to 1, as the reported case did, not as a zip bomb)."""
    rng = random.Random(size)
    xf = '<xf numFmtId="{}" fontId="{}" fillId="{}" borderId="{}" xfId="0" applyAlignment="1"/>'
    block = "".join(xf.format(*(rng.randint(0, 9999) for _ in range(4))) for _ in range(_BLOCK))
    return xml.replace("</cellXfs>", block * (size // len(block)) + "</cellXfs>", 1)


def formulas_for_values(checklist: bytes) -> bytes:
    """Every value and out-of cell of the table a formula saved without its value (as a program that does not
    compute formulas writes it)."""
    workbook, sheet = open_sheet(checklist)
    for row in range(12, 28):
        sheet.cell(row, 5).value = sheet.cell(row, 6).value = "=1+1"
    return save(workbook)


# Repeated text is varied in blocks of this many items: a block (over 32 KB) is beyond what deflate looks back at,
# so the parts compress as real XML does (about 10 to 1), not as a zip bomb (1000 to 1), and build fast.
_BLOCK = 4096


def _varied(rng: random.Random, template: str, count: int) -> str:
    """`template` repeated `count` times with random cells in it."""
    cells = [f"{rng.choice('ABCDEFGH')}{rng.randint(12, 300)}" for _ in range(_BLOCK)]
    block = "".join(template.format(cell=cell) for cell in cells)
    return block * (count // _BLOCK) + "".join(template.format(cell=cell) for cell in cells[: count % _BLOCK])


def corpus(checklist: bytes, province: bytes) -> dict[str, bytes]:
    """name -> hostile workbook; `checklist` is a valid filled checklist, `province` the province workbook with
    every value wrong (thousands of problems)."""

    def sheet(edit: Callable[[str], str]) -> bytes:
        return rewritten(checklist, {SHEET_PART: edit})

    def after(text: str) -> bytes:
        return sheet(lambda xml: _after_sheet_data(xml, text))

    rng = random.Random(57)
    text = rng.randbytes(20_000_000).translate(bytes(b"abcd"[i % 4] for i in range(256))).decode()
    huge_string = f'<row r="40"><c r="A40" t="inlineStr"><is><t>{text}</t></is></c></row>'
    rule = '<cfRule type="cellIs" dxfId="0" priority="1" operator="equal"><formula>{cell}</formula></cfRule>'
    validation = '<dataValidation type="list" sqref="{cell}"><formula1>"Có,Không"</formula1></dataValidation>'
    many_strings = "".join(f"<si><t>{i}</t></si>" for i in range(500_000))
    nested = _varied(rng, "<a{cell}>", 200_000)
    closed = "".join(f"</{tag}" for tag in reversed(nested.split("<")[1:]))
    attributes = " ".join(f'a{i}="{rng.randint(0, 10**6)}"' for i in range(100_000))
    return {
        # The case reported: an 11 KB checklist with 35,000 merged areas (all in the table).
        "35,000 merged areas": sheet(lambda x: _merged(x, [f"E{12 + i % 300}:F{12 + i % 300}" for i in range(35_000)])),
        "1,000 merged areas over the whole sheet": sheet(lambda x: _merged(x, ["A12:BL337"] * 1_000)),
        # The case reported: one formula and a 31 MB styles part.
        "31 MB styles part and one formula": rewritten(
            checklist, {SHEET_PART: _one_formula, STYLES_PART: lambda x: _bloated_styles(x, 31_000_000)}
        ),
        "3 MB styles part and one formula": rewritten(
            checklist, {SHEET_PART: _one_formula, STYLES_PART: lambda x: _bloated_styles(x, 3_000_000)}
        ),
        "300,000 repeated rows": sheet(
            lambda x: _in_sheet_data(x, _varied(rng, '<row r="30" spans="{cell}"/>', 300_000))
        ),
        "200,000 conditional formats": after(
            _varied(rng, '<conditionalFormatting sqref="{cell}">' + rule + "</conditionalFormatting>", 200_000)
        ),
        "200,000 data validations": after(f"<dataValidations>{_varied(rng, validation, 200_000)}</dataValidations>"),
        "200,000 hyperlinks": after(
            "<hyperlinks>" + _varied(rng, '<hyperlink ref="{cell}"/>', 200_000) + "</hyperlinks>"
        ),
        "200,000 nested elements": after(f"<extLst>{nested}{closed}</extLst>"),
        "an element with 100,000 attributes": after(f"<extLst {attributes}/>"),
        "every value a formula without its value": formulas_for_values(checklist),
        "500,000 shared strings": rewritten(
            checklist, {STRINGS_PART: lambda x: x.replace("</sst>", many_strings + "</sst>")}
        ),
        "a 20 MB string in one cell": sheet(lambda x: _in_sheet_data(x, huge_string)),
        "every value of the province workbook wrong": province,
    }
