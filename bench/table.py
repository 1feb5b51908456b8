"""The one results table, as aligned text for the terminal and as markdown. Pure.

Cells arrive as strings; the formatters here turn numbers into them (NaN becomes "n/a")."""

import math
from dataclasses import dataclass

HEADER = ("Figure", "App", "Baseline", "App/baseline", "Target", "Verdict")


@dataclass(frozen=True)
class Row:
    figure: str
    app: str = ""
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""
    section: bool = False  # a heading row: only `figure` is shown

    def cells(self) -> tuple[str, ...]:
        return (self.figure, self.app, self.baseline, self.ratio, self.target, self.verdict)


def section(title: str) -> Row:
    return Row(figure=title, section=True)


def missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def rate(value: float | None) -> str:
    return "n/a" if missing(value) else f"{value:,.0f}/s"


def ms(value: float | None) -> str:
    if missing(value):
        return "n/a"
    if math.isinf(value):
        return "no answer"
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def percent(value: float | None) -> str:
    if missing(value):
        return "n/a"
    return f"{value * 100:.0f} %" if value in (0, 1) else f"{value * 100:.2f} %"


def ratio(app: float | None, baseline: float | None) -> str:
    if missing(app) or missing(baseline) or baseline == 0 or math.isinf(app) or math.isinf(baseline):
        return "n/a"
    return f"{app / baseline:.2f}×"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("PASS" if met else "MISS")


def render_text(rows: list[Row], *, title: str = "") -> str:
    body = [row for row in rows if not row.section]
    widths = [max(len(cells[i]) for cells in [HEADER, *(row.cells() for row in body)]) for i in range(len(HEADER))]
    total = sum(widths) + 2 * (len(widths) - 1)

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [title] if title else []
    out += [line(HEADER), "=" * total]
    for row in rows:
        out.append(
            f"-- {row.figure} " + "-" * max(total - len(row.figure) - 4, 0) if row.section else line(row.cells())
        )
    return "\n".join(out)


def render_markdown(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 1)]
    for row in rows:
        if row.section:
            out.append(f"| **{cell(row.figure)}** |" + " |" * (len(HEADER) - 1))
        else:
            out.append("| " + " | ".join(cell(c) for c in row.cells()) + " |")
    return "\n".join(out)
