"""The one status palette of charts, tables, the PDF and Excel.

Chosen for colour-blind readers: dark bluish green, light vermillion and pale grey differ in lightness as well as
hue. Table cells carry the status word in black, so they use a light tint of the same hue (`STATUS_TINT`).
"""

GREEN = "#00775A"
RED = "#E8772E"
GREY = "#D5D8D6"
STATUS = {"green": GREEN, "red": RED, "grey": GREY}
# Midpoint of a red → green scale (0–16 criteria): light, so that the two ends stand apart.
MIDDLE = "#F6E3B4"
INK = "#1f2a24"
# Header rows of tables in the PDF and Excel.
HEADING = "#1F4E79"


def tint(colour: str, strength: float = 0.3) -> str:
    """`colour` mixed with white: `strength` of the colour, the rest white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02X}" for c in (red, green, blue))


# Grey is pale already: its cells use it as it is.
STATUS_TINT = {"green": tint(GREEN), "red": tint(RED), "grey": GREY}
# The verdict on a file checked for import (views.tables.import_verdicts): ready, imported before, with problems.
VERDICT_TINT = {"checked": STATUS_TINT["green"], "duplicate": GREY, "rejected": STATUS_TINT["red"]}
