"""The weekly management figures: reporting timeliness, the warning list's rule (checked against hand-made cases,
not the implementation), summary --json against a count made independently from the raw tables, and the same
numbers on the overview, the ranking page and in the PDF."""

import io
import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from conftest import APP, account, log_in, submit
from pypdf import PdfReader
from sqlalchemy import func, text
from sqlmodel import select
from streamlit.testing.v1 import AppTest

import ui
from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db, registry
from readiness.core.models import Criterion, Role, Submission
from readiness.intake import review
from readiness.outputs import report
from readiness.reading import queries


@pytest.fixture(autouse=True)
def _fresh_caches():
    ui.clear_cache()


# Who reported, as a checklist names them.
REPORTER = {"reporter_name": "Nguyễn Thị Lan", "reporter_phone": "0912 345 678"}


def _week(frame: pd.DataFrame, due: date) -> dict:
    return frame.set_index("week_due").loc[due].to_dict()


# Reporting timeliness ---------------------------------------------------------------------------------------------

FRIDAY = date(2025, 9, 12)


def test_reporting_counts_by_vietnam_time_on_the_due_day(initialized):
    # 23:30 Friday in Vietnam (16:30 UTC): on time. 00:30 Saturday in Vietnam (17:30 UTC Friday): late.
    submit(
        "00070",
        FRIDAY,
        {"TC01": 1},
        received=datetime(2025, 9, 12, 16, 30, tzinfo=UTC),
        **REPORTER,
    )
    submit(
        "00073",
        FRIDAY,
        {"TC01": 1},
        received=datetime(2025, 9, 12, 17, 30, tzinfo=UTC),
        **REPORTER,
    )
    with db.session() as session:
        weeks = queries.reporting(session, date(2025, 9, 13), "01")
    week = _week(weeks, FRIDAY)
    assert week["week_start"] == date(2025, 9, 6)
    assert (week["on_time"], week["late"], week["missing"], week["communes"]) == (1, 1, 124, 126)
    assert week["reported_share"] == pytest.approx(2 / 126) and week["on_time_share"] == pytest.approx(1 / 126)


def test_as_of_the_due_day_a_report_received_later_does_not_count_yet(initialized):
    submit(
        "00073",
        FRIDAY,
        {"TC01": 1},
        received=datetime(2025, 9, 12, 17, 30, tzinfo=UTC),
        **REPORTER,
    )
    with db.session() as session:
        on_the_day = queries.reporting(session, FRIDAY, "01")
        next_day = queries.reporting(session, date(2025, 9, 13), "01")
    assert on_the_day["week_due"].iloc[0] == FRIDAY  # newest week first
    assert (_week(on_the_day, FRIDAY)["late"], _week(on_the_day, FRIDAY)["missing"]) == (0, 126)
    assert (_week(next_day, FRIDAY)["late"], _week(next_day, FRIDAY)["missing"]) == (1, 125)


def test_a_report_dated_saturday_belongs_to_the_next_week(initialized):
    saturday = date(2025, 9, 13)
    submit(
        "00070",
        saturday,
        {"TC01": 1},
        received=datetime(2025, 9, 13, 2, tzinfo=UTC),
        **REPORTER,
    )
    # A second report for the same week, later, changes nothing: the first one was on time.
    submit(
        "00070",
        date(2025, 9, 18),
        {"TC01": 1},
        received=datetime(2025, 9, 20, 3, tzinfo=UTC),
        **REPORTER,
    )
    with db.session() as session:
        weeks = queries.reporting(session, date(2025, 9, 30), "01")
    assert _week(weeks, FRIDAY)["missing"] == 126
    assert _week(weeks, date(2025, 9, 19))["on_time"] == 1 and _week(weeks, date(2025, 9, 19))["late"] == 0
    # Weeks run from the first whole week after the start date (01/07/2025) to the last one due.
    assert weeks["week_due"].iloc[-1] == date(2025, 7, 11) and weeks["week_due"].iloc[0] == date(2025, 9, 26)


def test_the_due_weekday_is_a_setting(initialized, monkeypatch):
    monkeypatch.setenv("READINESS_REPORT_DUE_WEEKDAY", "monday")
    db.reset_caches()
    submit(
        "00070",
        FRIDAY,
        {"TC01": 1},
        received=datetime(2025, 9, 13, 2, tzinfo=UTC),
        **REPORTER,
    )
    with db.session() as session:
        weeks = queries.reporting(session, date(2025, 9, 20), "01")
    assert _week(weeks, date(2025, 9, 15))["on_time"] == 1  # due Monday 15/09
    assert all(d.weekday() == 0 for d in weeks["week_due"])


def test_demo_communes_report_on_time_from_their_first_week(demo_sqlite):
    with db.session() as session:
        weeks = queries.reporting(session, date(2025, 11, 20), "01")
    assert (weeks["late"] == 0).all()
    assert weeks.iloc[0]["week_due"] == date(2025, 11, 14) and weeks.iloc[0]["on_time"] == 126
    assert weeks.iloc[-1]["missing"] > 0  # slow communes start late


# The warning list's rule, case by case ------------------------------------------------------------------------------

AS_OF = date(2025, 9, 20)
# Hand-made cases as of 20/09/2025 with READINESS_AT_RISK_DAYS=14 and stale after 7 days. Deadlines: TC01 31/08
# (passed), TC02 30/09 (10 days away), TC08 15/10 (25 days away), TC15 15/11.
CASES = {
    # code: (reporting date, what is not green, listed?, why)
    "00070": (date(2025, 9, 20), {}, False, "all green"),
    "00073": (date(2025, 9, 20), {"TC02": 0}, True, "at risk: TC02 red, due in 10 days"),
    "00004": (date(2025, 9, 20), {"TC01": 0}, True, "overdue: TC01 red since 31/08"),
    "00008": (date(2025, 9, 20), {"TC08": 0}, False, "TC08 red but due in 25 days, reported today"),
    "00025": (date(2025, 9, 1), {"TC15": 0}, True, "silent 19 days and not fully green"),
    "00256": (date(2025, 9, 20), {"TC02": None}, True, "at risk: TC02 left blank (not green), due in 10 days"),
    "00283": (date(2025, 9, 1), {}, False, "silent but fully green"),
}


@pytest.fixture
def cases(initialized) -> None:
    with db.session() as session:
        targets = queries.catalog(session).set_index("code")["target"].to_dict()
    for code, (day, not_green, _, _) in CASES.items():
        submit(
            code,
            day,
            targets | not_green,
            received=datetime(day.year, day.month, day.day, 3, tzinfo=UTC),
            **REPORTER,
        )


def test_warning_list_rule_on_hand_made_cases(cases, monkeypatch):
    monkeypatch.setenv("READINESS_AT_RISK_DAYS", "14")
    db.reset_caches()
    with db.session() as session:
        warnings = queries.warning_list(session, AS_OF, "01").set_index("commune_code")
    for code, (_, _, listed, why) in CASES.items():
        assert (code in warnings.index) == listed, f"{code}: {why}"
    silent = {c.code for c in registry.communes("01")} - set(CASES)
    assert silent and silent <= set(warnings.index)  # never reported: listed
    assert len(warnings) == len(silent) + 4
    order = list(warnings.index)
    assert order[0] == "00004"  # overdue first
    # Then at risk, most criteria first: the communes never reported have five not green due on 30/09.
    assert warnings.loc[list(silent), "at_risk_count"].eq(5).all()
    assert set(order[1 + len(silent) : 3 + len(silent)]) == {"00073", "00256"}
    assert order[-1] == "00025"  # silent only, last
    assert warnings.loc["00004", ["overdue_count", "overdue_criteria", "max_days_overdue"]].tolist() == [1, "TC01", 20]
    assert warnings.loc["00073", ["at_risk_count", "at_risk_criteria", "days_to_deadline"]].tolist() == [1, "TC02", 10]
    assert warnings.loc["00073", ["reporter_name", "reporter_phone"]].tolist() == ["Nguyễn Thị Lan", "0912 345 678"]
    assert bool(warnings.loc["00025", "stale"]) and warnings.loc["00025", "at_risk_count"] == 0


def test_at_risk_days_bound_is_inclusive_and_a_setting(cases, monkeypatch):
    # TC02 is due 30/09: 14 days ahead on 16/09 (listed), 15 days on 15/09 (not yet).
    monkeypatch.setenv("READINESS_AT_RISK_DAYS", "14")
    db.reset_caches()
    with db.session() as session:
        on_16 = queries.warning_list(session, date(2025, 9, 16), "01").set_index("commune_code")
        on_15 = queries.warning_list(session, date(2025, 9, 15), "01").set_index("commune_code")
    # Reports of 20/09 do not exist yet on those dates; 00025 reported on 01/09 with TC02 green.
    assert "00025" in on_16.index and on_16.loc["00025", "at_risk_count"] == 0
    assert on_16.loc["00025", "stale"]
    monkeypatch.setenv("READINESS_AT_RISK_DAYS", "0")
    db.reset_caches()
    with db.session() as session:
        none_ahead = queries.warning_list(session, AS_OF, "01").set_index("commune_code")
    assert "00073" not in none_ahead.index and "00004" in none_ahead.index
    assert on_15.loc["00025", "at_risk_count"] == 0


def test_warning_reason_names_the_at_risk_criteria(cases):
    from readiness.outputs.views.wording import warning_reason

    with db.session() as session:
        warnings = queries.warning_list(session, AS_OF, "01").set_index("commune_code", drop=False)
    row = next(warnings.loc[["00073"]].itertuples())
    assert warning_reason(row, "vi") == "1 tiêu chí chưa đạt sắp đến hạn (TC02), hạn gần nhất còn 10 ngày"
    assert warning_reason(row, "en") == "1 not met and due soon (TC02), nearest due in 10 days"


# summary --json against an independent count --------------------------------------------------------------------


def _independent_timeliness(as_of: date, honour_review: bool = True) -> tuple[dict, dict]:
    """Counted straight from the tables with pandas: a returned submission never counts (READINESS_COUNTS is
    "reported"); newest submission per commune and date; green by the catalog's targets; per commune and
    criterion, walk the history and keep the date of the last turn to green."""
    with db.session() as session:
        connection = session.connection()
        subs = pd.read_sql(
            text("SELECT id, commune_code, reporting_date, received_at, review_status FROM submission"), connection
        )
        results = pd.read_sql(text("SELECT submission_id, criterion_code, value, out_of FROM result"), connection)
        criteria = pd.read_sql(text("SELECT code, kind, target, deadline FROM criterion"), connection)
        communes = pd.read_sql(text("SELECT code FROM commune WHERE province_code = '01'"), connection)
    if honour_review:
        subs = subs[subs["review_status"] != "returned"]
    subs["reporting_date"] = pd.to_datetime(subs["reporting_date"]).dt.date
    subs = subs[subs["reporting_date"] <= as_of].sort_values(["commune_code", "reporting_date", "received_at", "id"])
    subs = subs.drop_duplicates(["commune_code", "reporting_date"], keep="last")
    merged = results.merge(subs, left_on="submission_id", right_on="id").merge(
        criteria, left_on="criterion_code", right_on="code"
    )
    share = merged["value"] / merged["out_of"]
    measured = share.where((merged["kind"] == "ratio") & merged["out_of"].notna(), merged["value"])
    merged["green"] = measured >= merged["target"] - 1e-9
    green = {(r.commune_code, r.criterion_code, r.reporting_date): r.green for r in merged.itertuples()}
    deadlines = dict(zip(criteria["code"], pd.to_datetime(criteria["deadline"]).dt.date, strict=True))
    dates = subs.groupby("commune_code")["reporting_date"].apply(list).to_dict()
    totals = {"on_time": 0, "late": 0, "in_progress": 0, "overdue": 0}
    per_commune: dict[str, dict] = {}
    for commune in communes["code"]:
        mine = per_commune.setdefault(commune, {"on_time": 0, "late": 0})
        for criterion, deadline in deadlines.items():
            since = None
            for day in dates.get(commune, []):
                # A run of green keeps its first day; anything else ends it.
                since = (since or day) if green.get((commune, criterion, day), False) else None
            if since is None:
                key = "overdue" if as_of > deadline else "in_progress"
            else:
                key = "on_time" if since <= deadline else "late"
                mine[key] += 1
            totals[key] += 1
    return totals, per_commune


@pytest.mark.parametrize("as_of", ["2025-10-15", "2025-09-10"])
def test_summary_json_timeliness_equals_an_independent_count(demo_data, capsys, as_of):
    # A newest submission for Hoàn Kiếm with nothing met, returned by the DOST: it must not end any green run.
    day = date.fromisoformat(as_of)
    with db.session() as session:
        codes = session.exec(select(Criterion.code)).all()
    submit("00070", day, dict.fromkeys(codes, 0.0), received=datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
    with db.write_session() as session:
        newest = session.exec(select(func.max(Submission.id))).one()
        review.return_submission(session, OPERATOR, newest, "Số liệu nhập nhầm")
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", as_of]) == 0
    summary = json.loads(capsys.readouterr().out)
    totals, per_commune = _independent_timeliness(day)
    assert _independent_timeliness(day, honour_review=False)[0] != totals  # the returned submission matters
    assert summary["timeliness"] == totals
    assert sum(totals.values()) == 126 * 16 and totals["late"] > 0 and totals["on_time"] > 0
    assert {c: {k: v[k] for k in ("on_time", "late")} for c, v in summary["by_commune"].items()} == per_commune
    assert summary["by_commune"]["00070"].keys() >= {"green", "red", "grey", "on_time", "late"}


# Pages and the PDF: the same numbers ----------------------------------------------------------------------------

PAGE_AS_OF = date(2025, 10, 15)


def _app(page: str = "pages/overview.py", lang: str = "vi", commune: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.OFFICER))
    at.session_state["as_of"] = PAGE_AS_OF
    at.session_state["lang"] = lang
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        if commune:
            at.query_params["commune"] = commune
        at.run()
    assert not at.exception, at.exception
    return at


def _pdf_text() -> str:
    with db.session() as session:
        data = report.province_report(session, PAGE_AS_OF, "01", "vi", actor=OPERATOR)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_overview_and_pdf_show_the_summary_timeliness(demo_sqlite, capsys):
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", PAGE_AS_OF.isoformat()]) == 0
    counts = json.loads(capsys.readouterr().out)["timeliness"]
    at = _app()
    metrics = {m.label: m.value for m in at.metric}
    labels = {"on_time": "Đúng hạn", "late": "Trễ hạn", "in_progress": "Đang thực hiện", "overdue": "Quá hạn"}
    assert {key: metrics[label] for key, label in labels.items()} == {
        k: f"{v:,}".replace(",", ".") for k, v in counts.items()
    }
    assert metrics["Tỉ lệ báo cáo tuần"] == "100,0%"
    rate = next(m for m in at.metric if m.label == "Tỉ lệ báo cáo tuần")
    assert rate.proto.delta == "đúng hạn 100,0% · tuần đến 10/10/2025"
    bars = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    timeliness_chart = next(s for s in bars if "stack" in json.dumps(s.get("encoding", {})))
    assert timeliness_chart is not None
    text_ = _pdf_text()
    for key, label in labels.items():
        value = f"{counts[key]:,}".replace(",", ".")
        assert f"{value} {label} ·" in text_, (key, value)
    assert "Mười xã, phường dẫn đầu" in text_ and "Mười xã, phường cuối bảng" in text_


def test_overview_top_and_bottom_ten_and_the_ranking_page(demo_sqlite):
    with db.session() as session:
        ranking = queries.ranking(session, PAGE_AS_OF, "01")
    at = _app()
    frames = [df.value for df in at.dataframe]
    # Pages send the columns they show: the communes' names (their codes stay on the server).
    names = ranking["commune_name"]
    top = next(f for f in frames if "rank" in f and f["commune_name"].tolist() == names[:10].tolist())
    assert top["rank"].tolist() == ranking["rank"][:10].tolist()
    assert any("rank" in f and f["commune_name"].tolist() == names[-10:].tolist() for f in frames)
    page = _app("pages/ranking.py")
    full = page.dataframe[0].value
    assert full["commune_name"].tolist() == names.tolist()
    assert full["rank"].tolist() == ranking["rank"].tolist()
    assert page.title[0].value == "Bảng xếp hạng"
    english = _app("pages/ranking.py", lang="en")
    assert english.title[0].value == "Ranking"


def test_commune_page_shows_when_each_criterion_turned_green(demo_sqlite):
    with db.session() as session:
        timely = queries.timeliness(session, PAGE_AS_OF, "01", "00070").set_index("criterion_code")
    at = _app("pages/commune.py", commune="00070")
    table = at.dataframe[0].value.set_index("criterion_code")
    for code, row in timely.iterrows():
        # A date column, shown dd/mm/yyyy by the page's column_config (views.COMMUNE_SHEET).
        shown_date = table.loc[code, "green_since"]
        assert (None if pd.isna(shown_date) else shown_date) == (row["green_since"] or None)
    early = timely[timely["green"]].iloc[0]
    assert table.loc[early.name, "days_text"] == f"sớm {int(early['days_early'])} ngày"
    said = set(table["timeliness_text"])
    assert said and said <= {"Đúng hạn", "Trễ hạn", "Đang thực hiện", "Quá hạn"}


def test_warning_page_shows_reporters_at_risk_and_weekly_reporting(demo_sqlite):
    with db.session() as session:
        warnings = queries.warning_list(session, PAGE_AS_OF, "01")
        weeks = queries.reporting(session, PAGE_AS_OF, "01")
    at = _app("pages/warnings.py")
    table, reporting = at.dataframe[0].value, at.dataframe[1].value
    assert table["commune_name"].tolist() == warnings["commune_name"].tolist()
    names, phones = zip(*(reporter.split("\n") for reporter in table["reporter"]), strict=True)
    assert list(names) == warnings["reporter_name"].tolist()
    assert all(len(phone) == 10 for phone in phones)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Có nguy cơ trễ hạn (14 ngày)"] == str(int((warnings["at_risk_count"] > 0).sum()))
    assert reporting["on_time"].tolist() == weeks["on_time"].tolist()
    assert reporting["week_text"].iloc[0] == "04/10/2025 – 10/10/2025"
