"""Schema, init and the status rules on a real database (SQLite and PostgreSQL)."""

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import MetaData, Table, func, insert, inspect, select, text

from readiness import bootstrap
from readiness.core import criteria, db, registry
from readiness.core.db import alembic_config, get_engine
from readiness.core.models import Commune, Criterion, Origin, Result, ResultBase, Submission, SubmissionCreate
from readiness.core.settings import get_settings
from readiness.intake import submissions
from readiness.reading import queries


def test_migrations_build_the_schema_on_an_empty_database(database):
    db.upgrade()
    tables = set(inspect(get_engine()).get_table_names())
    assert {
        "province",
        "commune",
        "criterion",
        "submission",
        "result",
        "import_file",
        "account",
        "audit_event",
        "boundary",
    } <= tables


def test_models_and_migrations_agree(database):
    db.upgrade()
    config = alembic_config()
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when a model changed without a migration


def test_init_twice_changes_nothing(database):
    first = bootstrap.init()
    assert first.communes_added == 126
    assert first.catalog_changed
    second = bootstrap.init()
    assert second.communes_added == 0
    assert not second.catalog_changed
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(Commune)).scalar_one() == 126
        assert session.execute(select(func.count()).select_from(Criterion)).scalar_one() == 16


def _submit(commune: str, day: date, received: datetime, tc01: float, origin=Origin.UPLOAD) -> int:
    with db.write_session() as session:
        [submission_id] = submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code=commune,
                    reporting_date=day,
                    received_at=received,
                    received_from="test",
                    origin=origin,
                    results=[ResultBase(criterion_code="TC01", value=tc01)],
                )
            ],
        )
    return submission_id


def _tc01(as_of: date, commune: str = "00070") -> str:
    with db.session() as session:
        frame = queries.status(session, as_of, "01")
    row = frame[(frame["commune_code"] == commune) & (frame["criterion_code"] == "TC01")]
    return row["status"].iloc[0]


def test_status_comes_from_the_newest_submission_on_or_before_the_date(initialized):
    _submit("00070", date(2025, 8, 1), datetime(2025, 8, 1, 9, tzinfo=UTC), 0)
    _submit("00070", date(2025, 9, 1), datetime(2025, 9, 1, 9, tzinfo=UTC), 1)
    assert _tc01(date(2025, 7, 31)) == "grey"  # before the first submission
    assert _tc01(date(2025, 8, 1)) == "red"
    assert _tc01(date(2025, 8, 31)) == "red"
    assert _tc01(date(2025, 9, 1)) == "green"


def test_newer_submission_for_the_same_date_supersedes_and_both_stay(initialized):
    _submit("00070", date(2025, 9, 1), datetime(2025, 9, 1, 9, tzinfo=UTC), 1)
    _submit("00070", date(2025, 9, 1), datetime(2025, 9, 2, 9, tzinfo=UTC), 0)
    assert _tc01(date(2025, 9, 30)) == "red"
    with db.session() as session:
        history = queries.commune_history(session, "00070")
    assert history["superseded"].tolist() == [False, True]


def test_criteria_missing_from_the_newest_submission_are_grey(initialized):
    _submit("00070", date(2025, 9, 1), datetime(2025, 9, 1, 9, tzinfo=UTC), 1)
    with db.session() as session:
        counts = queries.summary(session, date(2025, 9, 1), "01")["by_commune"]["00070"]
    assert {k: counts[k] for k in ("green", "red", "grey")} == {"green": 1, "red": 0, "grey": 15}


def test_green_count_is_stored_with_the_submission(initialized):
    _submit("00070", date(2025, 9, 1), datetime(2025, 9, 1, 9, tzinfo=UTC), 1)
    with db.session() as session:
        trend = queries.trend(session, date(2025, 9, 2), "01")
    assert trend["average_green"].iloc[-1] == 1 / 126


# Each kind met and not met (data/criteria.toml): yes/no TC01 and TC05 (target 1), numbers TC02 (target 100) and
# TC04 (target 2), ratios counted out of a total, TC03 and TC06 (target 1), a ratio given as a share, TC11 (target
# 0.8), and a blank, TC08.
MIXED = {
    "TC01": (1, None),
    "TC05": (0, None),
    "TC02": (99, None),
    "TC04": (2, None),
    "TC03": (9, 10),
    "TC06": (10, 10),
    "TC11": (0.8, None),
    "TC08": (None, None),
}
MIXED_GREEN = {"TC01", "TC04", "TC06", "TC11"}


def _stored() -> dict[int, tuple[int, set[str]]]:
    """Per submission: its stored green count and the criteria whose results are stored green."""
    with db.session() as session:
        counts = dict(session.execute(select(Submission.id, Submission.green_count)).all())
        green = session.execute(select(Result.submission_id, Result.criterion_code).where(Result.green)).all()
    return {i: (n, {code for s, code in green if s == i}) for i, n in counts.items()}


def test_each_result_is_stored_with_its_green_flag_and_the_count_agrees(initialized):
    with db.write_session() as session:
        [submission_id] = submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code="00070",
                    reporting_date=date(2025, 9, 1),
                    received_at=datetime(2025, 9, 1, 9, tzinfo=UTC),
                    received_from="test",
                    origin=Origin.UPLOAD,
                    results=[ResultBase(criterion_code=c, value=v, out_of=o) for c, (v, o) in MIXED.items()],
                )
            ],
        )
    assert _stored() == {submission_id: (len(MIXED_GREEN), MIXED_GREEN)}
    with db.session() as session:
        status = queries.status(session, date(2025, 9, 1), "01")
    shown = status[(status["commune_code"] == "00070") & (status["status"] == "green")]
    assert set(shown["criterion_code"]) == MIXED_GREEN


def test_migration_0006_fills_the_green_flags_of_stored_results(database):
    config = alembic_config()
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    with db.write_session() as session:
        registry.seed(session, get_settings().province)
    with get_engine().begin() as connection:
        # The catalog as the 0005 schema holds it (fields added later left out).
        table = Table("criterion", MetaData(), autoload_with=connection)
        entries = criteria.load_catalog(get_settings().catalog_path)
        connection.execute(insert(table), [{c.name: getattr(e, c.name) for c in table.columns} for e in entries])
        # Stored before the flags existed, with a green count the catalog no longer gives (a target changed since):
        # the migration's scoring sets both.
        submission_id = connection.execute(
            text(
                "INSERT INTO submission (commune_code, reporting_date, received_at, received_from, origin, "
                "reporter_name, reporter_phone, green_count) VALUES ('00070', '2025-09-01', '2025-09-01 09:00:00', "
                "'lan', 'upload', '', '', 7) RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO result (criterion_code, value, out_of, evidence, note, submission_id) "
                "VALUES (:code, :value, :out_of, '', '', :submission)"
            ),
            [{"code": c, "value": v, "out_of": o, "submission": submission_id} for c, (v, o) in MIXED.items()],
        )
    bootstrap.init()
    assert _stored() == {submission_id: (len(MIXED_GREEN), MIXED_GREEN)}
