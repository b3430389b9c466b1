"""What a boundary file matched (intake.geo.Report), as the boundaries and map pages list it: features that match
nothing, features whose code and name disagree, areas without a boundary, shapes repaired or left out."""

import pandas as pd

from readiness.intake.geo import Level, Report
from readiness.outputs.views.columns import Column, Table

# Features that matched nothing, and the shapes repaired or left out (a note says which and why).
FEATURES = Table((Column("feature", "Đối tượng", "Feature"),))


def unmatched_features(report: Report) -> pd.DataFrame:
    return pd.DataFrame({"feature": report.unmatched_features}, dtype=object)


def notes(report: Report, lang: str) -> pd.DataFrame:
    return pd.DataFrame({"feature": [note.text(lang) for note in report.notes]}, dtype=object)


CONFLICTS = Table(
    (
        Column("feature_code", "Mã trong tệp", "Code in the file"),
        Column("feature_name", "Tên trong tệp", "Name in the file"),
        # None when the name matched nothing either: printed "–".
        Column("matched_to", "Đã ghép với", "Matched to"),
    )
)


def conflicts(report: Report) -> pd.DataFrame:
    return pd.DataFrame(report.conflicts, columns=[c.key for c in CONFLICTS.columns], dtype=object)


def without_boundary_table(level: Level | str) -> Table:
    """The communes (provinces) in scope that no feature matched, under the name of their level."""
    if Level(level) == Level.PROVINCE:
        return Table((Column("code", "Mã", "Code"), Column("name", "Tỉnh, thành phố", "Province")))
    return Table((Column("code", "Mã", "Code"), Column("name", "Xã, phường", "Commune")))
