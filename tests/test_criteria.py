from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from readiness import bootstrap
from readiness.access import audit
from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import criteria, db
from readiness.core.criteria import CatalogError, load_catalog
from readiness.core.models import Criterion, Result, Submission
from readiness.core.settings import DATA_DIR
from readiness.reading import queries

GOOD_ROW = """
[[criterion]]
code = "TC01"
group_vi = "Hạ tầng số"
group_en = "Digital infrastructure"
name_vi = "Kết nối mạng"
name_en = "Network"
kind = "yes_no"
target = 1
deadline = 2025-08-31
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "criteria.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_catalog_has_the_16_criteria_in_order():
    entries = load_catalog(DATA_DIR / "criteria.toml")
    assert [e.code for e in entries] == [f"TC{i:02d}" for i in range(1, 17)]
    assert entries[1].name_vi == "Đường truyền Internet cáp quang tại trụ sở (Mbps)"
    assert entries[10].target == 0.8
    assert all(e.name_en and e.description_vi and e.description_en for e in entries)


def test_bad_kind_names_row_and_field(tmp_path):
    path = write(tmp_path, GOOD_ROW + GOOD_ROW.replace("TC01", "TC02").replace('"yes_no"', '"maybe"'))
    with pytest.raises(CatalogError, match=r"criterion #2 \(TC02\), field 'kind'"):
        load_catalog(path)


def test_missing_field_names_row_and_field(tmp_path):
    path = write(tmp_path, GOOD_ROW.replace("deadline = 2025-08-31\n", ""))
    with pytest.raises(CatalogError, match=r"criterion #1 \(TC01\), field 'deadline': Field required"):
        load_catalog(path)


def test_every_problem_is_reported_at_once(tmp_path):
    broken = GOOD_ROW.replace("target = 1", "target = 2").replace('name_en = "Network"', 'name_en = ""')
    with pytest.raises(CatalogError) as error:
        load_catalog(write(tmp_path, broken + "colour = 'red'\n"))
    message = str(error.value)
    assert "field 'target': must be 1 for a yes_no criterion" in message
    assert "field 'name_en': must not be empty" in message
    assert "field 'colour': unknown field" in message


def test_ratio_target_must_be_a_share(tmp_path):
    row = GOOD_ROW.replace('"yes_no"', '"ratio"').replace("target = 1", "target = 80\nunit_vi = 'hồ sơ'")
    with pytest.raises(CatalogError, match="at most 1 for a ratio criterion"):
        load_catalog(write(tmp_path, row))


def test_duplicate_codes_are_refused(tmp_path):
    with pytest.raises(CatalogError, match="code TC01 is used more than once"):
        load_catalog(write(tmp_path, GOOD_ROW + GOOD_ROW))


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(write(tmp_path, "[[criterion]\n"))
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "none.toml")


def test_catalog_text_is_stored_in_nfc(tmp_path):
    decomposed = GOOD_ROW.replace("Hạ tầng số", "Ha\u0323 tầng số")
    assert load_catalog(write(tmp_path, decomposed))[0].group_vi == "Hạ tầng số"


def test_changed_target_is_synced_and_green_counts_recomputed(demo_data, tmp_path, monkeypatch):
    with db.session() as session:
        assert queries.summary(session, date(2025, 11, 15), "01")["fully_green"] == 126
    raised = (DATA_DIR / "criteria.toml").read_text(encoding="utf-8").replace("target = 100\n", "target = 10000\n")
    monkeypatch.setenv("READINESS_CATALOG_PATH", str(write(tmp_path, raised)))
    db.reset_caches()
    assert bootstrap.sync_catalog(OPERATOR).catalog_changed
    with db.session() as session:
        assert session.exec(select(Criterion.target).where(Criterion.code == "TC02")).one() == 10000
        after = queries.summary(session, date(2025, 11, 15), "01")
        trend = queries.trend(session, date(2025, 11, 15), "01")
    assert after["criteria"]["TC02"]["green"] == 0
    assert after["fully_green"] == 0
    assert trend["fully_green_share"].iloc[-1] == 0.0


def _green_flags(code: str) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).where(Result.criterion_code == code, Result.green)).one()


def test_a_changed_target_rewrites_the_green_flags_that_timeliness_reads(demo_data, tmp_path, monkeypatch):
    # TC02 (a number) out of every commune's reach, TC11 (a ratio, 0.8) within reach of more reports than before.
    text = (DATA_DIR / "criteria.toml").read_text(encoding="utf-8")
    changed = text.replace("target = 100\n", "target = 10000\n").replace("target = 0.8\n", "target = 0.1\n")
    tc11_before = _green_flags("TC11")
    monkeypatch.setenv("READINESS_CATALOG_PATH", str(write(tmp_path, changed)))
    db.reset_caches()
    assert bootstrap.sync_catalog(OPERATOR).catalog_changed
    assert _green_flags("TC02") == 0
    assert _green_flags("TC11") > tc11_before
    with db.session() as session:
        flags = select(Result.submission_id, func.count()).where(Result.green).group_by(Result.submission_id)
        counts = select(Submission.id, Submission.green_count).where(Submission.green_count > 0)
        assert dict(session.exec(flags).all()) == dict(session.exec(counts).all())
        # Timeliness reads the stored flags, the status scores the values: they agree on the new targets.
        for as_of in [date(2025, 8, 15), date(2025, 10, 15), date(2025, 11, 15)]:
            both = queries.timeliness(session, as_of, "01").merge(
                queries.status(session, as_of, "01"), on=["commune_code", "criterion_code"]
            )
            assert both["green"].eq(both["status"] == "green").all(), as_of


def test_criterion_with_results_cannot_be_removed(demo_data):
    entries = load_catalog(DATA_DIR / "criteria.toml")[:-1]
    with db.write_session() as session, pytest.raises(CatalogError, match="TC16 has reported results"):
        criteria.sync_catalog(session, entries)


def _deadline_moved(tmp_path: Path) -> Path:
    text = (DATA_DIR / "criteria.toml").read_text(encoding="utf-8")
    first_deadline = text[text.index("deadline = ") : text.index("\n", text.index("deadline = "))]
    return write(tmp_path, text.replace(first_deadline, "deadline = 2030-01-31", 1))


def test_data_version_changes_with_any_catalog_field(initialized):
    """The pages' cache key: a new deadline or a renamed criterion must show at once, not after a restart."""
    with db.session() as session:
        before = queries.data_version(session)
    with db.write_session() as session:
        session.exec(select(Criterion).where(Criterion.code == "TC01")).one().deadline = date(2030, 1, 31)
    with db.session() as session:
        moved = queries.data_version(session)
    with db.write_session() as session:
        session.exec(select(Criterion).where(Criterion.code == "TC01")).one().name_vi = "Tên khác"
    with db.session() as session:
        renamed = queries.data_version(session)
    assert len({before, moved, renamed}) == 3


def test_a_command_run_with_another_catalog_file_changes_nothing_and_warns(demo_data, tmp_path, monkeypatch, caplog):
    with db.session() as session:
        stored = queries.catalog(session)
        trail = audit.events(session, OPERATOR)
    monkeypatch.setenv("READINESS_CATALOG_PATH", str(_deadline_moved(tmp_path)))
    db.reset_caches()

    assert main(["summary", "--json", "--as-of", "2025-09-15"]) == 0

    with db.session() as session:
        assert queries.catalog(session).equals(stored)
        assert audit.events(session, OPERATOR).equals(trail)
    assert "TC01 deadline: 2025-08-31 → 2030-01-31" in caplog.text
    assert "readiness catalog sync" in caplog.text


def test_catalog_sync_applies_the_file_and_audits_what_changed(demo_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("READINESS_CATALOG_PATH", str(_deadline_moved(tmp_path)))
    db.reset_caches()

    assert main(["catalog", "sync"]) == 0

    assert "TC01 deadline: 2025-08-31 → 2030-01-31" in capsys.readouterr().out
    with db.session() as session:
        assert queries.catalog(session).at[0, "deadline"] == date(2030, 1, 31)
        events = audit.events(session, OPERATOR, action="catalog.sync")
    assert events["detail"].tolist() == ["TC01 deadline: 2025-08-31 → 2030-01-31"]
    assert main(["catalog", "sync"]) == 0
    assert "unchanged" in capsys.readouterr().out
    with db.session() as session:
        assert len(audit.events(session, OPERATOR, action="catalog.sync")) == len(events)
