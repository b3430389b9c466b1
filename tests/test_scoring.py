from datetime import date

import pandas as pd
import pytest

from readiness.core.scoring import Status, assess, score, share


def test_number_exactly_at_target_is_green():
    result = assess("number", 100, 100)
    assert result.status == Status.GREEN
    assert result.progress == 1.0
    assert result.gap == 0.0


def test_number_below_target_reports_gap_in_its_unit():
    result = assess("number", 100, 60)
    assert result.status == Status.RED
    assert result.progress == pytest.approx(0.6)
    assert result.gap == 40.0


def test_ratio_exactly_at_share_target_despite_floating_point():
    # 0.8 * 45 = 36.00000000000001 in floating point; 36 of 45 meets 80%.
    result = assess("ratio", 0.8, 36, 45)
    assert result.status == Status.GREEN
    assert result.gap == 0.0


def test_ratio_below_target_gap_is_the_count_missing():
    result = assess("ratio", 1.0, 42, 45)
    assert result.status == Status.RED
    assert result.gap == 3.0
    assert result.progress == pytest.approx(42 / 45)


def test_ratio_gap_rounds_up_to_whole_units():
    # 80% of 41 is 32.8: 33 are needed, so 30 leaves 3 missing.
    assert assess("ratio", 0.8, 30, 41).gap == 3.0


def test_ratio_with_out_of_zero_cannot_be_measured():
    result = assess("ratio", 1.0, 5, 0)
    assert result.status == Status.RED
    assert result.progress == 0.0
    assert result.gap is None


def test_ratio_value_above_out_of_is_capped():
    result = assess("ratio", 1.0, 50, 45)
    assert result.status == Status.GREEN
    assert result.progress == 1.0
    assert result.gap == 0.0


def test_ratio_given_as_a_share_has_gap_as_a_share():
    result = assess("ratio", 0.8, 0.75, None)
    assert result.status == Status.RED
    assert result.gap_is_share
    assert result.gap == pytest.approx(0.05)


def test_yes_no():
    assert assess("yes_no", 1, 1).status == Status.GREEN
    no = assess("yes_no", 1, 0)
    assert no.status == Status.RED
    assert no.gap == 1.0
    assert no.progress == 0.0


def test_no_data_is_grey_with_no_progress_or_gap():
    for kind, target in [("yes_no", 1), ("number", 2), ("ratio", 1)]:
        result = assess(kind, target, None, None)
        assert result.status == Status.GREY
        assert result.progress is None
        assert result.gap is None


def test_red_past_deadline_is_overdue_and_counts_days():
    frame = pd.DataFrame(
        [
            {"kind": "number", "target": 2, "value": 1, "out_of": None, "deadline": date(2025, 9, 30)},
            {"kind": "number", "target": 2, "value": 2, "out_of": None, "deadline": date(2025, 9, 30)},
            {"kind": "number", "target": 2, "value": 1, "out_of": None, "deadline": date(2025, 10, 31)},
            {"kind": "number", "target": 2, "value": None, "out_of": None, "deadline": date(2025, 9, 1)},
        ]
    )
    scored = score(frame, as_of=date(2025, 10, 5))
    assert scored["overdue"].tolist() == [True, False, False, False]
    assert scored["days_overdue"].tolist() == [5, 0, 0, 0]


def test_red_on_its_deadline_day_is_not_yet_overdue():
    frame = pd.DataFrame([{"kind": "yes_no", "target": 1, "value": 0, "out_of": None, "deadline": date(2025, 9, 30)}])
    assert not score(frame, as_of=date(2025, 9, 30))["overdue"].iloc[0]


@pytest.mark.parametrize(
    ("value", "out_of", "expected", "worded"),
    [
        (31.0, 30.0, 1.0, "31/30 máy tính (100%)"),  # more than all counts as all, everywhere
        (27.0, 30.0, 0.9, "27/30 máy tính (90%)"),
        (3.0, 0.0, None, "3/0 máy tính (–)"),  # an out-of of 0 measures nothing
    ],
)
def test_the_share_of_a_ratio_is_one_rule_for_scoring_summary_and_wording(value, out_of, expected, worded):
    from readiness.core.i18n import format_value
    from readiness.outputs.views import tables as views

    measured = share(value, out_of)
    assert pd.isna(measured) if expected is None else float(measured) == pytest.approx(expected)
    assert views.summary_value("ratio", value, out_of, "vi") == (None if expected is None else pytest.approx(expected))
    assert format_value("ratio", value, out_of, "máy tính", "vi") == worded
    progress = assess("ratio", 0.9, value, out_of).progress
    assert progress == (0.0 if expected is None else pytest.approx(expected))  # the bar says what the words say
    assert list(share(pd.Series([value, 0.5]), pd.Series([out_of, None]))[1:]) == [0.5]
