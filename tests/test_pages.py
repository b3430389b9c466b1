"""Every page in AppTest, on an empty database and on demo data, with the numbers tied to the query functions."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import geodata
import pandas as pd
import pyarrow as pa
import pytest
from conftest import account, log_in, shown, submit
from streamlit.testing.v1 import AppTest

import ui
from readiness import bootstrap, demo
from readiness.access import auth
from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db
from readiness.core.i18n import timeliness_label
from readiness.core.models import Role
from readiness.intake import geo
from readiness.outputs import charts
from readiness.outputs.views import tables as views
from readiness.reading import queries

APP = str(Path(__file__).resolve().parent.parent / "app.py")
AS_OF = date(2025, 10, 20)
DATA_PAGES = ["pages/overview.py", "pages/heatmap.py", "pages/map.py", "pages/gaps.py", "pages/warnings.py"]


def _app(page: str = "pages/overview.py", as_of: date = AS_OF, lang: str = "vi", role: Role = Role.ADMIN) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(role, "00070" if role == Role.COMMUNE else None))
    at.session_state["as_of"] = as_of
    at.session_state["lang"] = lang
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _chart_rows(at: AppTest, index: int = 0) -> pd.DataFrame:
    chart = at.get("vega_lite_chart")[index]
    return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()


def _feature(properties: dict, x: float) -> dict:
    ring = [[105 + x, 21], [105.5 + x, 21], [105 + x, 21.5], [105 + x, 21]]
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", DATA_PAGES)
def test_on_a_new_database_each_page_says_what_to_do_next(database, page):
    at = _app(page)
    assert "Chưa có báo cáo nào" in at.info[0].value
    assert "Nộp phiếu" in at.info[0].value
    assert _metrics(at) == {"Xã, phường": "126", "Tiêu chí": "16"}
    assert at.button(key="load_demo").label == "Nạp dữ liệu mẫu"
    assert not at.get("vega_lite_chart")


@pytest.mark.page
def test_on_a_new_database_only_an_admin_is_offered_the_demo(database):
    at = _app(role=Role.OFFICER)
    assert "Chưa có báo cáo nào" in at.info[0].value
    assert not [b for b in at.button if b.key == "load_demo"]


@pytest.mark.page
def test_commune_and_boundary_pages_on_a_new_database(database):
    at = _app("pages/commune.py")
    assert "Chưa có báo cáo nào" in at.info[0].value
    assert at.header[0].value  # the first commune, every criterion grey
    assert _metrics(at)["Tiêu chí đạt"] == "0/16"
    at = _app("pages/boundaries.py")
    assert at.info[0].value == "Chưa có ranh giới nào được tải lên."


@pytest.mark.page
def test_one_click_loads_the_demo_and_the_overview_fills_in(database):
    at = _app(as_of=date(2025, 11, 15))
    assert "demo-officer / demo-officer-nq57" in " ".join(c.value for c in at.caption)
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert _metrics(at)["Đạt đủ 16/16"] == "126/126"
    with db.session() as session:  # the same accounts as `readiness demo` creates
        assert set(demo.account_names()) <= set(auth.account_names(session))
    assert auth.authenticate("demo-officer", demo.password("demo-officer")).role == Role.OFFICER
    assert at.success[0].value == "Mọi xã, phường đều đạt mọi tiêu chí."


def test_overview_numbers_equal_readiness_summary_json(demo_sqlite, capsys):
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", AS_OF.isoformat()]) == 0
    summary = json.loads(capsys.readouterr().out)
    with db.session() as session:
        kpis = queries.kpis(session, AS_OF, "01")
        lagging = queries.lagging_criteria(session, AS_OF, "01")
    at = _app()
    metrics = _metrics(at)
    fully = metrics["Đạt đủ 16/16"]
    assert fully == f"{summary['fully_green']}/{summary['communes']}"
    green_everywhere = sum(c["green"] == summary["communes"] for c in summary["criteria"].values())
    assert metrics["Đạt ở mọi nơi"] == f"{green_everywhere}/16"
    average = sum(c["green"] for c in summary["by_commune"].values()) / summary["communes"]
    assert metrics["Tiêu chí đạt (TB)"] == f"{average:.1f}/16".replace(".", ",")
    assert metrics["Báo cáo 7 ngày qua"] == str(kpis["submissions_last_days"])
    assert metrics["Hạng mục quá hạn"] == str(kpis["overdue"])
    share = at.metric[0].proto.delta
    assert share == f"{summary['fully_green'] / summary['communes'] * 100:.1f}%".replace(".", ",")
    table = at.dataframe[0].value
    assert table["criterion_code"].tolist() == lagging["criterion_code"].tolist()
    assert table["not_green"].tolist() == [
        summary["criteria"][c]["red"] + summary["criteria"][c]["grey"] for c in lagging["criterion_code"]
    ]
    trend = _chart_rows(at)
    assert trend["date_text"].iloc[0] == "01/07/2025" and trend["date_text"].iloc[-1] == "20/10/2025"


def test_overview_in_english_formats_numbers_the_english_way(demo_sqlite):
    at = _app(lang="en")
    metrics = _metrics(at)
    with db.session() as session:
        kpis = queries.kpis(session, AS_OF, "01")
    assert metrics["Criteria met (avg.)"] == f"{kpis['average_green']:.1f}/16"
    assert at.title[0].value == "Commune readiness"
    assert _chart_rows(at)["date_text"].iloc[-1] == "20 Oct 2025"


def test_heatmap_shows_every_commune_lagging_first_with_words_in_the_tooltips(demo_sqlite):
    at = _app("pages/heatmap.py")
    rows = _chart_rows(at)
    assert len(rows) == 126 * 16
    with db.session() as session:
        communes = queries.by_commune(queries.status(session, AS_OF, "01"))
    order = list(dict.fromkeys(rows["commune_code"]))
    greens = communes.set_index("commune_code").loc[order, "green"]
    assert greens.is_monotonic_increasing
    said = set(rows["status_text"])
    assert said and said <= {"Đạt", "× Chưa đạt", "? Chưa báo cáo"}
    assert "126 xã, phường" in at.caption[1].value


def test_heatmap_marks_the_cells_whose_figures_are_pending_review(demo_sqlite):
    submit("00070", AS_OF, {"TC01": 1, "TC02": 50}, received=datetime(2025, 10, 20, 23, tzinfo=UTC))
    at = _app("pages/heatmap.py")
    rows = _chart_rows(at)
    pending = rows[rows["pending"]]
    assert set(pending["commune_code"]) == {"00070"} and len(pending) == 16
    assert set(pending["review_text"]) == {"Chờ duyệt"}
    assert any("chấm tròn ở góc ô: số liệu lấy từ báo cáo đang chờ duyệt" in c.value for c in at.caption)


def test_heatmap_search_without_diacritics_and_filters(demo_sqlite):
    at = _app("pages/heatmap.py")
    at.text_input(key="heatmap_search").input("hoan kiem").run()
    assert set(_chart_rows(at)["commune"]) == {"Phường Hoàn Kiếm"}
    at.text_input(key="heatmap_search").input("").run()
    at.multiselect(key="heatmap_kinds").select("xã").run()
    assert _chart_rows(at)["commune"].str.startswith("Xã ").all()
    at.multiselect(key="heatmap_groups").select("Hạ tầng số").run()
    with db.session() as session:
        catalog = queries.catalog(session)
    assert set(_chart_rows(at)["criterion_code"]) == set(catalog.loc[catalog["group_vi"] == "Hạ tầng số", "code"])
    at.text_input(key="heatmap_search").input("khong co xa nay").run()
    assert at.warning[0].value == "Không có xã, phường nào khớp bộ lọc."


def test_heatmap_opens_the_chosen_communes_page(demo_sqlite):
    at = _app("pages/heatmap.py")
    at.selectbox(key="heatmap_open").select("00070").run()
    assert not at.exception
    assert at.title[0].value == "Trang xã, phường"
    assert at.header[0].value == "Phường Hoàn Kiếm"
    assert at.query_params["commune"] == "00070"
    assert "số liệu tính đến ngày 20/10/2025" in at.caption[0].value  # the sidebar's date survives the switch


def test_map_draws_one_tile_per_commune_and_the_boundary_map_once_boundaries_are_loaded(demo_sqlite):
    at = _app("pages/map.py")
    tiles = _chart_rows(at)
    assert len(tiles) == 126
    assert "Chưa có ranh giới xã, phường" in at.info[0].value
    features = [(p, s) for p, s in geodata.hanoi_communes() if p["ma_xa"] not in ("00004", "00008")]
    with db.write_session() as session:
        geo.load_boundaries(session, OPERATOR, geodata.feature_collection(features))
    at = _app("pages/map.py")
    boundary_map, tile_map = _charts(at)
    assert boundary_map["mark"]["type"] == "geoshape" and tile_map["layer"][0]["mark"]["type"] == "rect"
    # The features travel inside the spec, the communes they look up as a table.
    assert [len(features) for features in boundary_map["datasets"].values()] == [124]
    assert len(_chart_rows(at, 0)) == 126
    assert "2 xã, phường không có ranh giới" in at.warning[0].value
    assert at.dataframe[0].value["code"].tolist() == ["00004", "00008"]
    # Coloured by one criterion's status instead of the green count.
    at.selectbox(key="map_colour_01").select("TC05").run()
    colour = _charts(at)[0]["encoding"]["color"]["condition"]
    assert colour["type"] == "nominal" and colour["legend"]["title"] == "TC05"
    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
    tc05 = status[status["criterion_code"] == "TC05"].set_index("commune_code")["status"]
    rows = _chart_rows(at, 0).set_index("commune_code")
    words = {"green": "Đạt", "red": "× Chưa đạt", "grey": "? Chưa báo cáo"}
    assert rows["colour_value"].to_dict() == {code: words[s] for code, s in tc05.items()}
    # Or by the same criterion against its deadline.
    at.radio(key="map_by_deadline_01").set_value(True).run()
    assert not at.exception
    colour = _charts(at)[0]["encoding"]["color"]["condition"]
    assert colour["scale"]["range"] == list(charts.TIMELINESS_COLOURS.values())
    with db.session() as session:
        timely = queries.timeliness(session, AS_OF, "01")
    tc05 = timely[timely["criterion_code"] == "TC05"].set_index("commune_code")["timeliness"]
    rows = _chart_rows(at, 0).set_index("commune_code")
    assert rows["colour_value"].to_dict() == {code: timeliness_label(t, "vi") for code, t in tc05.items()}


@pytest.mark.page
def test_national_map_draws_the_provinces_and_a_chosen_province_shows_its_communes(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    bootstrap.init()
    submit("00070", date(2025, 10, 18), {"TC01": 1})
    with db.write_session() as session:
        geo.load_boundaries(session, OPERATOR, geodata.feature_collection(geodata.national("province")), "province")
    at = _app("pages/map.py")
    (province_map,) = _charts(at)
    assert province_map["mark"]["type"] == "geoshape" and province_map["params"][0]["name"] == "province"
    assert len(_chart_rows(at, 0)) == 34
    at.selectbox(key="map_province").select("01").run()
    assert not at.exception
    assert at.subheader[0].value == "Thành phố Hà Nội"
    assert len(_chart_rows(at, 1)) == 126  # Hà Nội has no commune boundaries yet: its tile map


def test_gaps_page_lists_criteria_and_the_lagging_communes_of_the_chosen_one(demo_sqlite):
    with db.session() as session:
        criteria = queries.by_criterion(queries.status(session, AS_OF, "01")).set_index("criterion_code")
    at = _app("pages/gaps.py")
    bars = _chart_rows(at)
    assert bars["not_green"].tolist() == sorted(criteria["not_green"], reverse=True)
    first = bars["criterion_code"].iloc[0]
    assert at.selectbox(key="gap_criterion").value == first
    assert _metrics(at)["Xã, phường chưa đạt"] == str(criteria.loc[first, "not_green"])
    at.selectbox(key="gap_criterion").select("TC16").run()
    table = at.dataframe[0].value
    assert len(table) == criteria.loc["TC16", "not_green"]
    assert table["value_text"].str.contains("máy tính").all()
    assert _metrics(at)["Tổng còn thiếu"] == f"{int(criteria.loc['TC16', 'gap'])} máy tính"


def test_warning_list_matches_the_query_most_severe_first(demo_sqlite):
    with db.session() as session:
        expected = queries.warning_list(session, AS_OF, "01")
    assert len(expected) > 0
    at = _app("pages/warnings.py")
    table = at.dataframe[0].value
    # Only the columns the page shows travel to the browser: the commune's name, not its hidden code.
    assert "commune_code" not in table.columns
    assert table["commune_name"].tolist() == expected["commune_name"].tolist()
    assert _metrics(at)["Xã, phường bị cảnh báo"] == str(len(expected))
    first = table.iloc[0]
    assert first["reason"].startswith(f"{expected['overdue_count'].iloc[0]} tiêu chí quá hạn")
    assert f"({expected['overdue_criteria'].iloc[0]})" in first["reason"]
    assert f"lâu nhất {expected['max_days_overdue'].iloc[0]} ngày" in first["reason"]


def test_warning_list_when_nobody_is_late(demo_sqlite):
    at = _app("pages/warnings.py", as_of=date(2025, 11, 15))
    assert at.success[0].value == "Tuần này không có xã, phường nào phải cảnh báo."


def test_commune_page_shows_criteria_history_and_trend(demo_sqlite):
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.OFFICER))
    at.session_state["as_of"] = AS_OF
    at.run()
    at.switch_page("pages/commune.py")
    at.query_params["commune"] = "00070"
    at.run()
    assert not at.exception
    assert at.header[0].value == "Phường Hoàn Kiếm"
    with db.session() as session:
        status = queries.commune_status(session, AS_OF, "00070")
        history = queries.commune_submissions(session, AS_OF, "00070")
    criteria, past = at.dataframe[0].value, at.dataframe[1].value
    assert criteria["criterion_code"].tolist() == [f"TC{i:02d}" for i in range(1, 17)]
    assert criteria["status_text"].tolist() == [
        {"green": "Đạt", "red": "Chưa đạt", "grey": "Chưa báo cáo"}[s] for s in status["status"]
    ]
    assert len(past) == len(history) and past["date_text"].iloc[0] == "18/10/2025"
    assert set(past["state_text"]) == {"Đang dùng"}
    assert _metrics(at)["Tiêu chí đạt"] == f"{(status['status'] == 'green').sum()}/16"
    assert len(_chart_rows(at)) == len(history)


@pytest.mark.page
def test_boundaries_upload_reports_matches_and_refuses_bad_files(initialized):
    at = _app("pages/boundaries.py")
    at.file_uploader[0].upload("bad.geojson", b"{", "application/geo+json").run()
    at.button[0].click().run()
    assert "không phải GeoJSON hợp lệ" in at.error[0].value
    features = [_feature({"ten": "Hoàn Kiếm"}, 0), _feature({"ten": "Nơi khác"}, 2)]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    at.file_uploader[0].upload("hanoi.geojson", content, "application/geo+json").run()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == f"Đã lưu ranh giới từ tệp {ui.plain('hanoi.geojson')}."
    assert _metrics(at) == {
        "Xã, phường có ranh giới": "1",
        "Đối tượng không ghép được": "1",
        "Xã, phường thiếu ranh giới": "125",
    }


@pytest.mark.page
def test_national_mode_aggregates_by_province(database, monkeypatch):
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    at = _app("pages/heatmap.py")
    assert "Chưa có báo cáo nào" in at.info[0].value
    submit("00070", date(2025, 10, 18), {"TC01": 1})
    at = _app("pages/heatmap.py")
    provinces = _chart_rows(at, 0)
    assert len(provinces) == 34 * 16
    assert at.selectbox(key="heatmap_province").value == "01"
    assert len(_chart_rows(at, 1)) == 126 * 16
    at = _app("pages/map.py")
    assert len(_chart_rows(at)) == 34
    at = _app("pages/ranking.py")
    provinces = shown(at.dataframe[0])
    assert list(provinces.columns) == views.PROVINCE_RANKING.headers("page", "vi") and len(provinces) == 34
    at = _app()
    assert _metrics(at)["Đạt đủ 16/16"] == "0/3.321"


def test_sidebar_date_and_language_hold_across_reruns_and_pages(demo_sqlite):
    # (AppTest shows the sidebar on the first run only, so each widget is set once per test app.)
    with db.session() as session:
        fully = queries.kpis(session, date(2025, 9, 20), "01")["fully_green"]
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.LEADER))
    at.run()
    at.date_input(key="_as_of").set_value(date(2025, 9, 20)).run()
    assert _metrics(at)["Đạt đủ 16/16"] == f"{fully}/126"
    at.run()
    assert _metrics(at)["Đạt đủ 16/16"] == f"{fully}/126"
    at.switch_page("pages/gaps.py").run()
    assert at.caption[0].value == "Số liệu tính đến ngày 20/09/2025"

    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.LEADER))
    at.run()
    at.radio(key="_lang").set_value("en").run()
    assert at.title[0].value == "Commune readiness"
    at.switch_page("pages/warnings.py").run()
    assert at.title[0].value == "Warning list"


def _downloads(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_reports_and_exports_are_offered_to_those_who_may_export(demo_sqlite):
    leader = _downloads(_app(role=Role.LEADER))
    assert "Tải báo cáo PDF" in leader
    assert {"Tải báo cáo hành chính (PDF)", "Tải báo cáo hành chính (Word)"} <= set(leader)
    assert "Tải bảng tổng hợp (Excel)" in _downloads(_app("pages/heatmap.py", role=Role.LEADER))
    assert "Tải danh sách cảnh báo (Excel)" in _downloads(_app("pages/warnings.py", role=Role.OFFICER))
    commune = _downloads(_app(role=Role.COMMUNE))
    assert "Tải báo cáo PDF" not in commune
    assert "Tải báo cáo hành chính (PDF)" not in commune


def test_commune_page_offers_the_prefilled_checklist_and_the_pdf_sheet(demo_sqlite):
    officer = _app("pages/commune.py", role=Role.OFFICER)
    assert _downloads(officer) == ["Tải phiếu điền sẵn số liệu gần nhất (.xlsx)", "Tải phiếu PDF của xã, phường"]
    commune = _app("pages/commune.py", role=Role.COMMUNE)
    assert commune.header[0].value == "Phường Hoàn Kiếm"  # its own commune, and no other to choose
    assert commune.selectbox[0].options == ["Phường Hoàn Kiếm (00070)"]
    assert _downloads(commune) == ["Tải phiếu điền sẵn số liệu gần nhất (.xlsx)"]


def test_on_the_gaps_page_a_ratios_bar_shows_the_share_its_value_prints(demo_sqlite):
    """TC11 has a target of 80%: a commune at 306/422 (73%) had its bar at 73/80 = 91%, beside the words "73%"."""
    at = _app("pages/gaps.py")
    at.selectbox(key="gap_criterion").set_value("TC11").run()
    rows = shown(at.dataframe[0])
    assert len(rows) > 0
    for value, bar in zip(rows["Giá trị"], rows["Tiến độ"], strict=True):
        printed = int(value.rsplit("(", 1)[1].removesuffix("%)"))
        assert round(bar) == printed, (value, bar)
