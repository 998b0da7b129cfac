"""The courtesy copy of a document: a PDF rendered with WeasyPrint from an HTML template, with
the FatturaPA XML embedded as an attachment (PDF/A-3b), in Italian formatting."""

from __future__ import annotations

import warnings
from datetime import date
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from saldo.billing.document import Document
from saldo.kit.clock import MONTH_NAMES, long_date
from saldo.kit.money import format_euro

TEMPLATES = Path(__file__).parent / "templates"
TITLES = {"TD01": "Fattura", "TD04": "Nota di credito"}


@cache
def _template() -> Template:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("invoice.html")


def _rate(bp: int, natura: str | None) -> str:
    if natura:
        return f"{natura} esente (art. 15)"
    return f"{bp // 100}{f',{bp % 100:02d}'.rstrip('0').rstrip(',')} %"


def render_html(doc: Document, *, file_name: str) -> str:
    """The document as the HTML page the PDF is printed from."""
    sections = [
        (msisdn, [
            {"label": line.description.split(" - ", 1)[-1], "net_cents": line.net_cents,
             "rate": _rate(line.vat_rate_bp, line.natura)}
            for line in lines
        ])
        for msisdn, lines in groupby(doc.lines, key=lambda line: line.msisdn or "")
    ]  # fmt: skip
    groups = [
        {"label": _rate(g.rate_bp, g.natura), "taxable_cents": g.taxable_cents,
         "vat_cents": g.vat_cents}
        for g in doc.totals.groups
    ]  # fmt: skip
    context: dict[str, Any] = {
        "doc": doc,
        "title": TITLES.get(doc.type, "Documento"),
        "date": long_date(date.fromisoformat(doc.date)),
        "due": long_date(date.fromisoformat(doc.due_date)),
        "linked_date": long_date(date.fromisoformat(doc.linked_date)) if doc.linked_date else "",
        "period": _period(doc.period) if doc.period else "",
        "sections": sections,
        "groups": groups,
        "money": format_euro,
        "file_name": file_name,
    }
    return _template().render(context)


def _period(period: str) -> str:
    year, month = period.split("-")
    return f"{MONTH_NAMES['it'][int(month) - 1]} {year}"


@cache
def _fonts() -> Any:
    """One font configuration per process: building it for each document costs a sixth of
    the rendering."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(doc: Document, *, xml: bytes, file_name: str) -> bytes:
    """The PDF of ``doc`` with its FatturaPA ``xml`` attached as ``file_name``."""
    from weasyprint import HTML, Attachment  # imported on use: it loads Pango

    attachment = Attachment(
        string=xml, name=file_name, description="FatturaPA", relationship="Source"
    )
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for PDF/A and leaves the file to the collector
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = HTML(string=render_html(doc, file_name=file_name)).write_pdf(
            attachments=[attachment], pdf_variant="pdf/a-3b", font_config=_fonts()
        )
    assert pdf is not None
    return bytes(pdf)
