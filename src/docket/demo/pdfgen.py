"""Born-digital PDFs with Chinese text, made with ReportLab's built-in CJK font (STSong-Light,
an Adobe CID font every PDF reader has), so nothing needs to be downloaded."""

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def make_pdf(pages: Sequence[Sequence[str]] | Sequence[str], *, title: str = "") -> bytes:
    """A PDF of text lines; give a list of lines for one page or a list of pages."""
    if pages and isinstance(pages[0], str):
        pages = [pages]  # type: ignore[list-item]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    width, height = A4
    for lines in pages:
        y = height - 72
        for line in lines:
            pdf.setFont(FONT, 16 if y == height - 72 else 11)
            pdf.drawString(72, y, line)
            y -= 22
            if y < 72:
                break
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
