import json
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from readiness.cli import main
from readiness.core import db
from readiness.core.models import Origin, ResultBase, Submission, SubmissionCreate
from readiness.intake import submissions


def summary(capsys, as_of: str) -> dict:
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", as_of]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_story_ends_with_every_commune_fully_green(database, capsys):
    assert main(["init"]) == 0
    assert main(["demo"]) == 0
    final = summary(capsys, "2025-11-15")
    assert final["as_of"] == "2025-11-15"
    assert final["province"] == "Thành phố Hà Nội"
    assert final["communes"] == 126
    assert final["fully_green"] == 126
    assert list(final["criteria"]) == [f"TC{i:02d}" for i in range(1, 17)]
    assert all(c == {"green": 126, "red": 0, "grey": 0} for c in final["criteria"].values())
    assert final["by_commune"]["00070"] == {"green": 16, "red": 0, "grey": 0, "on_time": 16, "late": 0}
    assert len(final["by_commune"]) == 126

    early = summary(capsys, "2025-08-01")
    assert early["fully_green"] < 126
    assert sum(c["grey"] for c in early["by_commune"].values()) > 0  # some communes had not reported yet
    assert all(sum(c.values()) == 126 for c in early["criteria"].values())


def test_summary_before_any_report_is_all_grey(initialized, capsys):
    data = summary(capsys, "2025-07-01")
    assert data["fully_green"] == 0
    assert data["criteria"]["TC01"] == {"green": 0, "red": 0, "grey": 126}


def test_demo_is_deterministic_and_reloading_replaces_it(demo_sqlite, capsys):
    first = summary(capsys, "2025-09-15")
    assert main(["demo"]) == 0
    assert summary(capsys, "2025-09-15") == first


def test_demo_clear_removes_demo_rows_and_nothing_else(demo_sqlite, capsys):
    with db.write_session() as session:
        submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code="00070",
                    reporting_date=date(2025, 9, 1),
                    received_at=datetime.now(UTC),
                    received_from="staff",
                    origin=Origin.UPLOAD,
                    results=[ResultBase(criterion_code="TC01", value=1)],
                )
            ],
        )
    assert main(["demo", "--clear"]) == 0
    with db.session() as session:
        origins = session.execute(select(Submission.origin, func.count()).group_by(Submission.origin)).all()
    assert origins == [("upload", 1)]


def test_bad_as_of_date_is_refused_with_the_expected_form(initialized, capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["summary", "--as-of", "15/11/2025"])
    assert "not a date in the form YYYY-MM-DD" in capsys.readouterr().err
