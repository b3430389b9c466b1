"""Values, targets and gaps said in each language, as tables and tooltips show them."""

import math

import pytest

from readiness.core.i18n import format_gap, format_target, format_total_gap, format_value, kind_label, status_label


def test_values_read_like_the_checklist():
    assert format_value("yes_no", 1.0, None, "", "vi") == "Có"
    assert format_value("yes_no", 0.0, None, "", "en") == "No"
    assert format_value("number", 1250.0, None, "Mbps", "vi") == "1.250 Mbps"
    assert format_value("number", 2.5, None, "máy quét", "vi") == "2,5 máy quét"
    assert format_value("ratio", 27.0, 30.0, "máy tính", "vi") == "27/30 máy tính (90%)"
    assert format_value("ratio", 27.0, 30.0, "computers", "en") == "27/30 computers (90%)"
    assert format_value("ratio", 0.855, None, "hồ sơ", "vi") == "86%"
    assert format_value("number", math.nan, None, "Mbps", "vi") == "–"


def test_targets_and_gaps():
    assert format_target("number", 100.0, "Mbps", "vi") == "≥ 100 Mbps"
    assert format_target("ratio", 0.8, "hồ sơ", "en") == "≥ 80%"
    assert format_target("yes_no", 1.0, "", "en") == "Yes"
    assert format_gap("ratio", 3.0, False, "máy tính", "vi") == "3 máy tính"
    assert format_gap("ratio", 0.05, True, "hồ sơ", "vi") == "5%"
    assert format_gap("yes_no", 1.0, False, "", "vi") == "chưa có"
    assert format_gap("number", 0.0, False, "Mbps", "en") == "none"
    assert format_gap("number", None, False, "Mbps", "vi") == "–"


def test_total_gap_counts_units_or_communes():
    assert format_total_gap("ratio", 1234.0, 37, "máy tính", "vi") == "1.234 máy tính"
    assert format_total_gap("yes_no", 5.0, 5, "", "vi") == "5 xã, phường chưa có"
    assert format_total_gap("yes_no", 1200.0, 1200, "", "en") == "1,200 communes without"
    assert format_total_gap("ratio", 0.0, 0, "hồ sơ", "vi") == "không thiếu"


def test_status_and_kind_words():
    assert [status_label(s, "vi") for s in ("green", "red", "grey")] == ["Đạt", "Chưa đạt", "Chưa báo cáo"]
    assert status_label("grey", "en") == "Not reported"
    assert kind_label("đặc khu", "en") == "Special zone" and kind_label("phường", "vi") == "Phường"


def test_days_early_or_late_and_timeliness_words():
    from readiness.core.i18n import format_days_early, timeliness_label, weekday_name

    assert format_days_early(5, "vi") == "sớm 5 ngày" and format_days_early(-13, "vi") == "trễ 13 ngày"
    assert format_days_early(0, "vi") == "đúng ngày hạn" and format_days_early(float("nan"), "vi") == "–"
    assert format_days_early(1234, "vi") == "sớm 1.234 ngày" and format_days_early(-2, "en") == "2 days late"
    assert [timeliness_label(k, "vi") for k in ("on_time", "late", "in_progress", "overdue")] == [
        "Đúng hạn",
        "Trễ hạn",
        "Đang thực hiện",
        "Quá hạn",
    ]
    assert weekday_name(4, "vi") == "thứ Sáu" and weekday_name(6, "en") == "Sunday"


def test_report_due_weekday_accepts_a_number_or_a_name(monkeypatch):
    from pydantic import ValidationError

    from readiness.core.settings import Settings

    monkeypatch.setenv("READINESS_REPORT_DUE_WEEKDAY", "Saturday")
    assert Settings().report_due_weekday == 5
    monkeypatch.setenv("READINESS_REPORT_DUE_WEEKDAY", "2")
    assert Settings().report_due_weekday == 2
    monkeypatch.setenv("READINESS_REPORT_DUE_WEEKDAY", "9")
    with pytest.raises(ValidationError):
        Settings()


def test_a_share_neither_none_nor_all_never_reads_as_either():
    from readiness.core.i18n import format_percent

    assert format_percent(1 / 2016, "vi", 1) == "<0,1%"
    assert format_percent(1 / 2016, "en") == "<1%"
    assert format_percent(2015 / 2016, "vi", 1) == ">99,9%"
    assert (format_percent(0, "vi", 1), format_percent(1, "vi", 1)) == ("0,0%", "100,0%")
    assert format_percent(0.125, "vi", 1) == "12,5%"


def test_an_average_is_not_rounded_up_to_the_whole():
    from readiness.core.i18n import format_part

    # 125 communes with 16 criteria met and one with 11: 15.96 of 16.
    assert format_part((125 * 16 + 11) / 126, 16, "vi") == "15,9"
    assert format_part(16, 16, "vi") == "16,0"
    assert format_part(12.34, 16, "en") == "12.3"
    assert format_part(None, 16, "vi") == "–"
