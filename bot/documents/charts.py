"""Bar charts drawn with fpdf2's rectangles: no plotting library, nothing but the PDF.

The pack's overview is a picture on purpose: a supervisor sees at a glance which kinds of
dilemma came up month by month, what is still awaiting an outcome, and (for the
practitioner) which months fall short of BACP's 1.5 hours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fpdf import FPDF

PALETTE = ((46, 94, 140), (214, 122, 44), (88, 150, 84), (178, 70, 70), (128, 100, 160),
           (140, 110, 80), (200, 110, 160), (110, 110, 110), (170, 170, 60), (60, 160, 170))
GRID = (210, 210, 210)
INK = (40, 40, 40)


def colour(index: int) -> tuple[int, int, int]:
    return PALETTE[index % len(PALETTE)]


def stacked_months(pdf: FPDF, table: dict[str, dict[str, int]], x: float, y: float,
                   width: float, height: float, text: Callable[[str], str]) -> float:
    """Stacked vertical bars, one per month, one colour per kind; returns the bottom y."""
    kinds = list(dict.fromkeys(k for month in table.values() for k in month))
    peak = max((sum(m.values()) for m in table.values()), default=1) or 1
    _axes(pdf, x, y, width, height, peak)
    slot = width / max(len(table), 1)
    bar = min(slot * 0.6, 18)
    for index, (month, counts) in enumerate(table.items()):
        left = x + index * slot + (slot - bar) / 2
        bottom = y + height
        for kind, count in counts.items():
            tall = height * count / peak
            pdf.set_fill_color(*colour(kinds.index(kind)))
            pdf.rect(left, bottom - tall, bar, tall, style="F")
            bottom -= tall
        pdf.set_font(size=7)
        pdf.set_xy(x + index * slot, y + height + 1)
        pdf.cell(slot, 4, month, align="C")
    return _legend(pdf, kinds, x, y + height + 7, width, text)


def horizontal(pdf: FPDF, values: Sequence[tuple[str, float]], x: float, y: float,
               width: float, text: Callable[[str], str], *, line: float | None = None,
               unit: str = "", flag: Callable[[float], bool] | None = None) -> float:
    """One labelled horizontal bar per value; an optional reference line; returns the y."""
    label_w, row = width * 0.42, 6.0
    peak = max([v for _, v in values] + [line or 0, 1])
    span = width - label_w - 14
    for index, (label, value) in enumerate(values):
        top = y + index * row
        pdf.set_font(size=8)
        pdf.set_text_color(*INK)
        pdf.set_xy(x, top)
        pdf.cell(label_w - 2, row - 1, text(label)[:48], align="R")
        warn = flag(value) if flag else False
        pdf.set_fill_color(*((200, 80, 60) if warn else colour(0)))
        pdf.rect(x + label_w, top + 0.8, max(span * value / peak, 0.4), row - 2.2, style="F")
        pdf.set_xy(x + label_w + span * value / peak + 1, top)
        pdf.cell(14, row - 1, f"{value:g}{unit}")
    bottom = y + len(values) * row
    if line is not None:
        at = x + label_w + span * line / peak
        pdf.set_draw_color(200, 80, 60)
        pdf.set_line_width(0.4)
        pdf.line(at, y - 1, at, bottom + 1)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.2)
    return bottom + 3


def _axes(pdf: FPDF, x: float, y: float, width: float, height: float, peak: int) -> None:
    pdf.set_draw_color(*GRID)
    pdf.set_font(size=7)
    pdf.set_text_color(*INK)
    for step in range(peak + 1):
        level = y + height - height * step / peak
        pdf.line(x, level, x + width, level)
        pdf.set_xy(x - 8, level - 2)
        pdf.cell(7, 4, str(step), align="R")
    pdf.set_draw_color(*INK)
    pdf.line(x, y, x, y + height)


def _legend(pdf: FPDF, kinds: list[str], x: float, y: float, width: float,
            text: Callable[[str], str]) -> float:
    pdf.set_font(size=8)
    column, row = width / 2, 5.0
    for index, kind in enumerate(kinds):
        left, top = x + (index % 2) * column, y + (index // 2) * row
        pdf.set_fill_color(*colour(index))
        pdf.rect(left, top + 1, 3, 3, style="F")
        pdf.set_xy(left + 4, top)
        pdf.cell(column - 5, row, text(kind)[:60])
    return y + ((len(kinds) + 1) // 2) * row + 2
