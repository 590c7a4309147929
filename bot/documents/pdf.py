"""A document as PDF (fpdf2): an overview page of charts, then each reflection and thread.

Built in memory and returned as bytes. Text is set in DejaVu Sans where the system has it
(any script the anonymised text may hold); otherwise in the PDF core font, with what
Latin-1 cannot show simplified (accents kept where Latin-1 has them).
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

from fpdf import FPDF

from bot import logbook
from bot.documents import charts
from bot.documents.model import Document, Entry

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"), Path("/Library/Fonts"))
FOOTER = ("Schtum structures reflection; it is not legal or clinical advice. Summaries are "
          "anonymised: keep this document as confidentially as your notes.")
for _name in ("fontTools", "fpdf"):  # their DEBUG lines name glyphs and sizes: keep them quiet
    if logging.getLogger(_name).getEffectiveLevel() < logging.WARNING:
        logging.getLogger(_name).setLevel(logging.WARNING)
REPLACEMENTS = {"•": "-", "·": "-", "–": "-", "—": "-", "“": '"', "”": '"', "‘": "'",
                "’": "'", "…": "...", "✓": "ok", "⚠️": "!", "⚠": "!"}


class Pdf(FPDF):
    """A4, a quiet footer on every page, a Unicode font when one is installed."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = self._fonts()
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, 18)
        self.set_creator("Schtum")
        self.set_lang("en-GB")

    def _fonts(self) -> bool:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                self.add_font("Body", "", str(regular))
                self.add_font("Body", "B", str(bold))
                self.add_font("Body", "I", str(regular))
                return True
        return False

    def face(self, style: str = "", size: float = 10) -> None:
        self.set_font("Body" if self.unicode else "Helvetica", style, size)

    def text_(self, text: str) -> str:
        """What this font can show of `text`."""
        if self.unicode:
            return text
        for wide, narrow in REPLACEMENTS.items():
            text = text.replace(wide, narrow)
        out = []
        for char in text:
            if ord(char) < 256:
                out.append(char)
                continue
            plain = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode(
                "latin-1")
            out.append(plain or "?")
        return "".join(out)

    def footer(self) -> None:
        self.set_y(-13)
        self.face("", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, self.text_(f"{FOOTER}   Page {self.page_no()}"), align="C")
        self.set_text_color(*charts.INK)

    def para(self, text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        self.face(style, size)
        self.multi_cell(0, size * 0.5, self.text_(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def render(document: Document) -> bytes:
    pdf = Pdf()
    pdf.set_title(pdf.text_(document.heading))
    pdf.add_page()
    pdf.para(document.heading, 18, "B")
    pdf.para(document.subtitle, 11)
    if document.generated:
        pdf.para(f"Made on {document.generated}. {len(document.entries)} reflection(s).", 9)
    if document.overview:
        _overview(pdf, document)
    for entry in document.entries:
        pdf.add_page()
        _entry(pdf, entry)
    if not document.entries:
        pdf.para("No reflections in this period.", 11)
    if document.log and not document.overview:
        pdf.add_page()
        pdf.para("Supervision log", 14, "B")
        _log_chart(pdf, document)
        pdf.para(logbook.report(document.log), 9)
    return bytes(pdf.output())


def _overview(pdf: Pdf, document: Document) -> None:
    pdf.ln(2)
    pdf.para("Overview", 14, "B")
    table = document.kinds_by_month()
    if table:
        pdf.para("Reflections by kind, per month", 10, "B")
        top = pdf.get_y() + 2
        bottom = charts.stacked_months(pdf, table, pdf.l_margin + 8, top,
                                       pdf.epw - 8, 45, pdf.text_)
        pdf.set_y(bottom + 2)
    waiting = document.awaiting()
    pdf.para("Decisions awaiting an outcome", 10, "B")
    if waiting:
        bottom = charts.horizontal(pdf, [(d, n) for d, n in waiting.items()], pdf.l_margin,
                                   pdf.get_y() + 1, pdf.epw, pdf.text_)
        pdf.set_y(bottom)
    else:
        pdf.para("None.", 9)
    if document.log:
        _log_chart(pdf, document)


def _log_chart(pdf: Pdf, document: Document) -> None:
    pdf.para("Supervision hours per month (the line: BACP's 1.5 h minimum)", 10, "B")
    values = [(m.month, round(m.credited / 60, 2)) for m in document.log[-12:]]
    minimum = logbook.MINIMUM_MINUTES / 60
    bottom = charts.horizontal(pdf, values, pdf.l_margin, pdf.get_y() + 1, pdf.epw, pdf.text_,
                               line=minimum, unit=" h", flag=lambda v: v < minimum)
    pdf.set_y(bottom)
    short = [m.month for m in document.log if m.below]
    pdf.para("Below the minimum: " + (", ".join(short) if short else "none") + ".", 9)


def _entry(pdf: Pdf, entry: Entry) -> None:
    pdf.para(entry.label, 14, "B")
    if entry.group:
        pdf.para(f"Supervisee: {entry.group}", 10, "B")
    pdf.para(f"Kind: {entry.kind}" + (f"   Decision: {entry.decision}"
                                      if entry.decision else ""), 10)
    for note in entry.notes:
        pdf.para(note, 9, gap=0.5)
    if entry.next_steps:
        pdf.para("Open questions and next steps", 11, "B")
        for label, text in entry.next_steps:
            pdf.para(f"• {label}: {text}", 10, gap=0.5)
        pdf.ln(2)
    pdf.para("The reflection", 11, "B")
    pdf.para(entry.body, 9)
    for thread in entry.threads:
        pdf.para(thread.title, 11, "B")
        for remark in thread.remarks:
            pdf.para(f"{remark.author}, {remark.at} UTC", 8, "B", gap=0)
            pdf.para(remark.text, 10)
