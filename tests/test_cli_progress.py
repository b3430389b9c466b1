"""The command line's progress bar: on standard error only when it is a terminal, never in --json output (or any
standard output), silenced by --quiet."""

import io
import json
import sys

import geodata
from excel_fill import checklist

from readiness.cli import main


class Terminal(io.StringIO):
    """Standard error as a terminal: rich draws its bar into it."""

    def isatty(self) -> bool:
        return True


def as_terminal(monkeypatch) -> Terminal:
    """Standard error replaced by a terminal; done in the test itself, since pytest's capture sets sys.stderr
    again after the fixtures."""
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setenv("TERM", "xterm-256color")
    return stderr


def files(tmp_path, count: int) -> list[str]:
    codes = ["00070", "00073", "00004", "00008"][:count]
    paths = [tmp_path / f"{code}.xlsx" for code in codes]
    for code, path in zip(codes, paths, strict=True):
        path.write_bytes(checklist(code))
    return [str(path) for path in paths]


def test_import_json_output_is_the_same_with_the_bar_drawn_on_a_terminal(initialized, tmp_path, capsys, monkeypatch):
    terminal = as_terminal(monkeypatch)
    names = files(tmp_path, 4)
    assert main(["import", *names, "--dry-run", "--json"]) == 0
    with_bar = capsys.readouterr().out
    drawn = terminal.getvalue()
    assert "Checking" in drawn and "4/4" in drawn and "━" in drawn  # rich's bar, on standard error only
    assert "Checking" not in with_bar

    terminal.truncate(0)
    terminal.seek(0)
    assert main(["import", *names, "--dry-run", "--json", "--quiet"]) == 0
    assert terminal.getvalue() == ""
    quiet = capsys.readouterr().out
    assert with_bar == quiet
    assert [json.loads(line)["file"] for line in quiet.splitlines()] == [n.rsplit("/", 1)[1] for n in names]


def test_a_real_import_prints_only_json_lines_with_the_bar_active(initialized, tmp_path, capsys, monkeypatch):
    terminal = as_terminal(monkeypatch)
    assert main(["import", *files(tmp_path, 2), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["accepted", "accepted"]
    assert "Importing" in terminal.getvalue()


def test_no_bar_when_standard_error_is_not_a_terminal(initialized, tmp_path, capsys):
    assert main(["import", *files(tmp_path, 2), "--dry-run"]) == 0
    assert capsys.readouterr().err == ""


def test_demo_and_export_show_their_progress_on_a_terminal_and_print_the_same(
    initialized, tmp_path, capsys, monkeypatch
):
    terminal = as_terminal(monkeypatch)
    assert main(["demo"]) == 0
    assert "Loading the demo" in terminal.getvalue() and "126/126" in terminal.getvalue()
    assert capsys.readouterr().out.startswith("Loaded ")
    out = tmp_path / "tong-hop.xlsx"
    assert main(["export", "--out", str(out), "--as-of", "2025-11-20"]) == 0
    assert "Building the workbook" in terminal.getvalue() and "5/5" in terminal.getvalue()
    assert capsys.readouterr().out.startswith(f"Wrote {out}")


def test_boundaries_load_prints_the_same_report_with_its_steps_drawn(initialized, tmp_path, capsys, monkeypatch):
    path = tmp_path / "hanoi.geojson"
    path.write_bytes(geodata.feature_collection(geodata.hanoi_communes()))
    assert main(["boundaries", "load", str(path), "--lang", "en", "--quiet"]) == 0
    quiet = capsys.readouterr().out
    terminal = as_terminal(monkeypatch)
    assert main(["boundaries", "load", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out == quiet == "Boundaries saved: 126 communes matched.\n" + quiet.split("\n", 1)[1]
    assert "Loading boundaries" in terminal.getvalue() and "4/4" in terminal.getvalue()
