"""Query functions the dashboard adds: on SQLite and PostgreSQL where they touch the database."""

from datetime import UTC, date, datetime

import pytest
from conftest import submit

from readiness import bootstrap
from readiness.core import db
from readiness.core.scoring import Status
from readiness.core.text import fold
from readiness.reading import queries

AS_OF = date(2025, 9, 20)


def test_status_reads_values_and_types_the_same_way_on_both_databases(demo_data):
    with db.session() as session:
        frame = queries.status(session, AS_OF, "01")
    assert len(frame) == 126 * 16
    row = frame[(frame["commune_code"] == "00070") & (frame["criterion_code"] == "TC03")].iloc[0]
    assert row["out_of"] >= row["value"] > 0
    assert row["reporting_date"] == date(2025, 9, 20)
    assert frame["value"].dtype == "float64" and frame["position"].dtype == "int64"
    assert set(frame["status"]) and set(frame["status"]) <= {"green", "red", "grey"}


def test_status_without_any_submission_is_a_grey_grid(initialized):
    with db.session() as session:
        frame = queries.status(session, AS_OF, "01")
    assert len(frame) == 126 * 16
    assert set(frame["status"]) == {"grey"}
    assert frame["value"].isna().all()


def test_overview_gives_the_kpis_and_the_five_most_lagging_criteria(demo_data):
    with db.session() as session:
        figures = queries.overview(session, AS_OF, "01")
        kpis = queries.kpis(session, AS_OF, "01")
        summary = queries.summary(session, AS_OF, "01")
        lagging = queries.lagging_criteria(session, AS_OF, "01")
    assert figures["kpis"] == kpis
    assert kpis["fully_green"] == summary["fully_green"] and kpis["communes"] == summary["communes"]
    assert figures["lagging"].equals(lagging)
    not_green = {code: c["red"] + c["grey"] for code, c in summary["criteria"].items()}
    expected = sorted((code for code in not_green if not_green[code]), key=lambda code: -not_green[code])[:5]
    assert len(lagging) == 5
    assert lagging["not_green"].tolist() == [not_green[code] for code in expected]
    assert lagging["not_green"].is_monotonic_decreasing


def test_no_criterion_lags_when_every_commune_is_green(demo_sqlite):
    with db.session() as session:
        assert queries.lagging_criteria(session, date(2025, 11, 15), "01").empty


@pytest.fixture
def status(demo_sqlite):
    with db.session() as session:
        return queries.status(session, AS_OF, "01")


def test_search_ignores_case_and_diacritics(status):
    for text in ["hoan kiem", "HOÀN KIẾM", "  Hoàn  Kiếm "]:
        found = queries.select_communes(status, search=text)
        assert set(found["commune_name"]) == {"Phường Hoàn Kiếm"}, text
    assert queries.select_communes(status, search="khong co xa nay").empty


def test_filters_by_kind_group_and_status(status):
    wards = queries.select_communes(status, kinds=["phường"])
    assert set(wards["commune_kind"]) == {"phường"} and wards["commune_code"].nunique() == 51
    infrastructure = queries.select_communes(status, groups=["Hạ tầng số"])
    assert set(infrastructure["group_vi"]) == {"Hạ tầng số"}
    assert set(queries.select_communes(status, groups=["Digital infrastructure"])["group_vi"]) == {"Hạ tầng số"}
    red = queries.select_communes(status, statuses=[Status.RED])
    red_communes = set(status.loc[status["status"] == "red", "commune_code"])
    assert set(red["commune_code"]) == red_communes
    assert len(red) == 16 * len(red_communes)  # whole rows: the commune's other criteria stay for context


def test_orders_by_readiness_or_by_name(status):
    by_readiness = queries.select_communes(status, order="readiness")
    greens = by_readiness.groupby("commune_code", sort=False)["status"].apply(lambda s: (s == "green").sum())
    assert greens.is_monotonic_increasing
    by_name = queries.select_communes(status, order="name")
    names = list(dict.fromkeys(by_name["commune_name"]))
    assert names == sorted(names, key=fold)
    first = by_name[by_name["commune_code"] == by_name["commune_code"].iloc[0]]
    assert first["criterion_code"].tolist() == [f"TC{i:02d}" for i in range(1, 17)]


def test_lagging_communes_lists_those_not_green_furthest_first(status):
    lagging = queries.lagging_communes(status, "TC03")
    expected = status[(status["criterion_code"] == "TC03") & (status["status"] != "green")]
    assert set(lagging["commune_code"]) == set(expected["commune_code"]) and len(lagging) > 0
    assert lagging["progress"].is_monotonic_increasing


def test_commune_status_trend_and_submissions(initialized):
    submit("00070", date(2025, 8, 2), {"TC01": 1, "TC05": 1}, received=datetime(2025, 8, 2, 9, tzinfo=UTC))
    submit("00070", date(2025, 8, 9), {"TC01": 1}, received=datetime(2025, 8, 9, 9, tzinfo=UTC))
    # A correction for 09/08 received later replaces the first one for that date.
    submit("00070", date(2025, 8, 9), {"TC01": 1, "TC05": 1, "TC07": 1}, received=datetime(2025, 8, 10, 9, tzinfo=UTC))
    submit("00070", date(2025, 9, 6), {"TC01": 0}, received=datetime(2025, 9, 6, 9, tzinfo=UTC))
    with db.session() as session:
        status = queries.commune_status(session, date(2025, 8, 31), "00070")
        trend = queries.commune_trend(session, date(2025, 8, 31), "00070")
        history = queries.commune_submissions(session, date(2025, 8, 31), "00070")
        unknown = queries.commune_status(session, date(2025, 8, 31), "99999")
    assert len(status) == 16 and set(status["commune_code"]) == {"00070"}
    assert (status["status"] == "green").sum() == 3
    assert trend["date"].tolist() == [date(2025, 8, 2), date(2025, 8, 9)]
    assert trend["green"].tolist() == [2, 3]
    assert history["superseded"].tolist() == [False, True, False]  # newest first; 06/09 is after the date
    assert unknown.empty


def test_national_scope_aggregates_by_province(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    bootstrap.init()
    yes_no = ["TC01", "TC05", "TC07", "TC09", "TC12", "TC13", "TC14"]
    submit("00070", AS_OF, dict.fromkeys(yes_no, 1), received=datetime(2025, 9, 20, 9, tzinfo=UTC))
    with db.session() as session:
        frame = queries.status(session, AS_OF, "all")
    provinces = queries.by_province(frame)
    assert len(provinces) == 34 and provinces["communes"].sum() == 3321
    hanoi = provinces.set_index("province_code").loc["01"]
    assert hanoi["fully_green"] == 0 and hanoi["average_green"] == pytest.approx(7 / 126)
    assert provinces.iloc[-1]["province_code"] == "01"  # the only province with progress comes last
    shares = queries.province_criteria(frame)
    assert len(shares) == 34 * 16
    tc01 = shares[(shares["province_code"] == "01") & (shares["criterion_code"] == "TC01")].iloc[0]
    assert tc01["green"] == 1 and tc01["communes"] == 126 and tc01["green_share"] == pytest.approx(1 / 126)
