"""Timeliness (on time, late, in progress, overdue) against hand-made submission histories, on SQLite and
PostgreSQL. Deadlines from data/criteria.toml: TC01, TC05, TC07 31/08/2025; TC09 15/09/2025; TC15 15/11/2025."""

from datetime import UTC, date, datetime

import pytest
from conftest import submit

from readiness import bootstrap
from readiness.core import db, registry
from readiness.reading import queries


def _timeliness(as_of: date, province: str = "01"):
    with db.session() as session:
        frame = queries.timeliness(session, as_of, province)
    return frame.set_index(["commune_code", "criterion_code"])


def _story() -> None:
    # TC01 turns green on its deadline day; TC05 green, red, green again after the deadline; TC07 green early and
    # ever since; TC09 never green; the rest never reported.
    submit("00070", date(2025, 8, 2), {"TC01": 0, "TC05": 0, "TC07": 1, "TC09": 0})
    submit("00070", date(2025, 8, 30), {"TC01": 0, "TC05": 1, "TC07": 1, "TC09": 0})
    submit("00070", date(2025, 8, 31), {"TC01": 1, "TC05": 1, "TC07": 1, "TC09": 0})
    submit("00070", date(2025, 9, 6), {"TC01": 1, "TC05": 0, "TC07": 1, "TC09": 0})
    submit("00070", date(2025, 9, 13), {"TC01": 1, "TC05": 1, "TC07": 1, "TC09": 0})


def test_deadline_day_green_red_green_and_never_green(initialized):
    _story()
    frame = _timeliness(date(2025, 9, 15))
    tc01, tc05, tc07, tc09 = (frame.loc[("00070", code)] for code in ["TC01", "TC05", "TC07", "TC09"])
    assert (tc01["timeliness"], tc01["green_since"], tc01["days_early"]) == ("on_time", date(2025, 8, 31), 0)
    # Counted by its last turn to green (13/09), not its first (30/08).
    assert (tc05["timeliness"], tc05["green_since"], tc05["days_early"]) == ("late", date(2025, 9, 13), -13)
    assert (tc07["timeliness"], tc07["green_since"], tc07["days_early"]) == ("on_time", date(2025, 8, 2), 29)
    # Not green on its deadline day: still in progress; the day after, overdue.
    assert tc09["timeliness"] == "in_progress" and not tc09["green"] and tc09["green_since"] is None
    assert _timeliness(date(2025, 9, 16)).loc[("00070", "TC09"), "timeliness"] == "overdue"
    assert frame.loc[("00070", "TC15"), "timeliness"] == "in_progress"
    assert frame.loc[("00070", "TC14"), "timeliness"] == "overdue"  # never reported, deadline 31/08 passed


def test_as_of_an_earlier_date_reads_only_the_history_up_to_it(initialized):
    _story()
    before_turn = _timeliness(date(2025, 8, 30))
    assert before_turn.loc[("00070", "TC01"), "timeliness"] == "in_progress"
    assert before_turn.loc[("00070", "TC05"), "green_since"] == date(2025, 8, 30)
    assert before_turn.loc[("00070", "TC05"), "timeliness"] == "on_time"
    red_again = _timeliness(date(2025, 9, 10))
    assert red_again.loc[("00070", "TC05"), "timeliness"] == "overdue"


def test_a_correction_for_the_same_date_replaces_the_first_report(initialized):
    submit("00070", date(2025, 8, 23), {"TC01": 1})
    submit("00070", date(2025, 8, 30), {"TC01": 0}, received=datetime(2025, 8, 30, 9, tzinfo=UTC))
    # The red report of 30/08 was a mistake: a correction for the same date, received later, counts.
    submit("00070", date(2025, 8, 30), {"TC01": 1}, received=datetime(2025, 8, 31, 2, tzinfo=UTC))
    row = _timeliness(date(2025, 9, 20)).loc[("00070", "TC01")]
    assert (row["timeliness"], row["green_since"]) == ("on_time", date(2025, 8, 23))


def test_a_blank_or_missing_result_breaks_the_green_run(initialized):
    submit("00070", date(2025, 8, 2), {"TC01": 1, "TC05": 1})
    submit("00070", date(2025, 8, 9), {"TC01": None})  # TC01 blank, TC05 absent
    submit("00070", date(2025, 9, 6), {"TC01": 1, "TC05": 1})
    frame = _timeliness(date(2025, 9, 20))
    assert frame.loc[("00070", "TC01"), "green_since"] == date(2025, 9, 6)
    assert frame.loc[("00070", "TC05"), "timeliness"] == "late"


def test_never_reported_and_the_counts(initialized):
    _story()
    as_of = date(2025, 9, 15)
    with db.session() as session:
        frame = queries.timeliness(session, as_of, "01")
        deadlines = queries.catalog(session).set_index("code")["deadline"]
    assert len(frame) == 126 * 16
    silent = frame[frame["commune_code"] == "00073"]
    assert not silent["green"].any() and silent["green_since"].isna().all() and silent["days_early"].isna().all()
    passed = {code for code, deadline in deadlines.items() if deadline < as_of}
    assert set(silent.loc[silent["timeliness"] == "overdue", "criterion_code"]) == passed
    counts = queries.timeliness_counts(frame)
    assert sum(counts.values()) == 126 * 16
    assert counts["on_time"] == 2 and counts["late"] == 1
    per_commune = queries.timeliness_counts(frame, "commune_code").set_index("commune_code")
    assert per_commune.loc["00070", ["on_time", "late"]].tolist() == [2, 1]
    assert per_commune[["on_time", "late", "in_progress", "overdue"]].sum(axis=1).eq(16).all()


def test_green_agrees_with_status_on_demo_data(demo_sqlite):
    for as_of in [date(2025, 7, 1), date(2025, 9, 15), date(2025, 10, 15), date(2025, 11, 20)]:
        with db.session() as session:
            frame = queries.timeliness(session, as_of, "01")
            status = queries.status(session, as_of, "01")
        both = frame.merge(status, on=["commune_code", "criterion_code"])
        assert len(both) == 126 * 16
        assert both["green"].eq(both["status"] == "green").all(), as_of


def test_national_scope(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    bootstrap.init()
    elsewhere = registry.communes("79")[0].code  # Hồ Chí Minh City
    submit(elsewhere, date(2025, 9, 6), {"TC01": 1, "TC09": 1})
    submit("00070", date(2025, 8, 30), {"TC01": 1})
    with db.session() as session:
        frame = queries.timeliness(session, date(2025, 9, 20), "all")
        hanoi = queries.timeliness(session, date(2025, 9, 20), "01")
    assert len(frame) == 3321 * 16 and len(hanoi) == 126 * 16
    indexed = frame.set_index(["commune_code", "criterion_code"])
    assert indexed.loc[(elsewhere, "TC01"), "timeliness"] == "late"
    assert indexed.loc[(elsewhere, "TC09"), "timeliness"] == "on_time"
    assert indexed.loc[("00070", "TC01"), "timeliness"] == "on_time"
    assert queries.timeliness_counts(frame)["on_time"] == 2
    # Hà Nội: one pair green on time; every other pair in progress or overdue by its deadline alone.
    later = int((hanoi.drop_duplicates("criterion_code")["deadline"] >= date(2025, 9, 20)).sum())
    expected = {"on_time": 1, "late": 0, "in_progress": 126 * later, "overdue": 126 * (16 - later) - 1}
    assert queries.timeliness_counts(hanoi) == expected


@pytest.mark.filterwarnings("error")
def test_on_a_database_without_submissions_nothing_turned_green_and_the_ranking_warns_of_nothing(initialized):
    frame = _timeliness(date(2025, 9, 15))
    assert frame["green_since"].map(lambda d: d is None).all() and not frame["green"].any()
    with db.session() as session:
        ranking = queries.ranking(session, date(2025, 9, 15), "01")
    assert ranking["rank"].eq(1).all() and ranking["last_green"].map(lambda d: d is None).all()


@pytest.fixture
def targets(initialized) -> dict[str, float]:
    """Each criterion's target: reported as the value, it is green (a ratio given as a share)."""
    with db.session() as session:
        return queries.catalog(session).set_index("code")["target"].to_dict()


def test_ranking_ties_share_a_rank(targets):
    # Two communes equal on every key share rank 1; one with as many green but fewer on time comes 3rd; the
    # communes never green all share the last rank.
    for commune in ["00070", "00073"]:
        submit(commune, date(2025, 8, 2), targets | {"TC15": 0})
    submit("00004", date(2025, 8, 2), targets | {"TC15": 0, "TC01": 0})
    submit("00004", date(2025, 9, 6), targets | {"TC15": 0})  # TC01 green late
    submit("00008", date(2025, 8, 2), {"TC01": 1})
    submit("00025", date(2025, 7, 26), {"TC01": 1})  # as green, but turned green a week earlier
    with db.session() as session:
        ranking = queries.ranking(session, date(2025, 9, 20), "01")
    ranks = ranking.set_index("commune_code")["rank"]
    assert ranks["00070"] == ranks["00073"] == 1
    assert ranks["00004"] == 3
    assert ranks["00025"] == 4 and ranks["00008"] == 5
    never = ranking[ranking["green"] == 0]
    assert len(never) == 121 and set(never["rank"]) == {6}
    assert ranking["rank"].is_monotonic_increasing
    row = ranking.set_index("commune_code").loc["00004"]
    assert (row["green"], row["on_time"], row["late"], row["last_green"]) == (15, 14, 1, date(2025, 9, 6))


def test_province_ranking_by_share_fully_green(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    bootstrap.init()
    with db.session() as session:
        targets = queries.catalog(session).set_index("code")["target"].to_dict()
    submit("00070", date(2025, 9, 6), targets)  # Hà Nội: 1 of 126 fully green
    danang = registry.communes("48")
    submit(danang[0].code, date(2025, 9, 6), targets)
    with db.session() as session:
        ranking = queries.province_ranking(queries.status(session, date(2025, 9, 20), "all"))
    ranks = ranking.set_index("province_code")["rank"]
    first, second = sorted([("01", 1 / 126), ("48", 1 / len(danang))], key=lambda p: -p[1])
    assert ranks[first[0]] == 1 and ranks[second[0]] == 2
    assert set(ranks.drop(["01", "48"])) == {3} and len(ranking) == 34
