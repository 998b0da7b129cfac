"""The courtesy copy of a document: a PDF rendered with WeasyPrint from an HTML template, with
the FatturaPA XML embedded as an attachment (PDF/A-3b), in Italian formatting."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import cache
from itertools import groupby
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from sqlalchemy import select

from saldo.billing.document import Document
from saldo.billing.models import Invoice
from saldo.kit.clock import MONTH_NAMES, long_date
from saldo.kit.money import format_euro
from saldo.runtime import Runtime

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


def _write_one(job: tuple[str, str, str, str]) -> str:
    """One courtesy PDF written to its path (a worker process's task)."""
    document, xml, file_name, path = job
    Path(path).write_bytes(
        render_pdf(Document.from_json(document), xml=xml.encode(), file_name=file_name)
    )
    return path


def pdf_name(number: str) -> str:
    """The courtesy copy's file name: ``M-2026-000001.pdf``."""
    return number.replace("/", "-") + ".pdf"


def write_pdfs(jobs: Iterable[tuple[str, str, str, str]], *, workers: int) -> int:
    """Render (document JSON, XML, XML file name, target path) jobs in ``workers`` processes
    (WeasyPrint holds the GIL: threads would not help); returns the files written."""
    if workers <= 1:
        return sum(1 for _ in map(_write_one, jobs))
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return sum(1 for _ in pool.map(_write_one, jobs, chunksize=8))


def courtesy_copies(rt: Runtime, *, numbers: list[str], folder: Path, workers: int) -> int:
    """Write the courtesy PDF of each invoice of ``numbers`` into ``folder`` (a bill run's,
    to send or print), rendered by ``workers`` processes. Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)

    def jobs() -> Iterator[tuple[str, str, str, str]]:
        for start in range(0, len(numbers), 500):
            with rt.read() as session:
                rows = session.execute(
                    select(Invoice.number, Invoice.document, Invoice.xml, Invoice.file_name)
                    .where(Invoice.number.in_(numbers[start : start + 500]))
                    .order_by(Invoice.id)
                ).all()
            for number, document, xml, file_name in rows:
                yield document, xml, file_name, str(folder / pdf_name(number))

    return write_pdfs(jobs(), workers=workers)
