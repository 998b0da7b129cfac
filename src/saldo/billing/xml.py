"""FatturaPA (FPR12) rendering of a document, built with lxml and validated against the
official schema vendored in ``schema/`` before anything is stored."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from saldo.billing.document import Document, Party
from saldo.billing.errors import DocumentInvalid
from saldo.kit.money import format_eur_plain

if TYPE_CHECKING:
    import xmlschema

NS = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
DS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA = Path(__file__).parent / "schema" / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
NO_CODE = "0000000"
"""CodiceDestinatario when the SdI delivers by PEC or to the customer's tax drawer."""
N1_NOTE = "Escluse ex art. 15 DPR 633/72"


@cache
def fast_schema() -> etree.XMLSchema:
    """The official schema compiled by libxml2: what every document is checked against as it
    is issued (about 0.2 ms a document; xmlschema takes some 7 ms, too slow for a bill run)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@cache
def schema() -> xmlschema.XMLSchema:
    """The official schema, loaded on first use (xmlschema takes most of a second to import,
    which no command but those issuing documents should pay)."""
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA))


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _rate(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}"


def _id_iva(parent: etree._Element, tag: str, vat_number: str) -> None:
    node = _add(parent, tag)
    _add(node, "IdPaese", "IT")
    _add(node, "IdCodice", vat_number)


def _sede(parent: etree._Element, party: Party) -> None:
    sede = _add(parent, "Sede")
    _add(sede, "Indirizzo", party.address)
    _add(sede, "CAP", party.zip)
    _add(sede, "Comune", party.city)
    if party.province and party.country == "IT":
        _add(sede, "Provincia", party.province)
    _add(sede, "Nazione", party.country)


def _header(root: etree._Element, doc: Document) -> None:
    header = _add(root, "FatturaElettronicaHeader")
    seller, buyer = doc.seller, doc.buyer
    assert seller.vat_number is not None
    trasmissione = _add(header, "DatiTrasmissione")
    _id_iva(trasmissione, "IdTrasmittente", seller.vat_number)
    _add(trasmissione, "ProgressivoInvio", doc.progressive)
    _add(trasmissione, "FormatoTrasmissione", "FPR12")
    _add(trasmissione, "CodiceDestinatario", buyer.sdi_code or NO_CODE)
    if buyer.pec and not buyer.sdi_code:
        _add(trasmissione, "PECDestinatario", buyer.pec)
    cedente = _add(header, "CedentePrestatore")
    anagrafici = _add(cedente, "DatiAnagrafici")
    _id_iva(anagrafici, "IdFiscaleIVA", seller.vat_number)
    _add(_add(anagrafici, "Anagrafica"), "Denominazione", seller.name)
    _add(anagrafici, "RegimeFiscale", seller.tax_regime or "RF01")
    _sede(cedente, seller)
    if seller.rea_office and seller.rea_number:
        rea = _add(cedente, "IscrizioneREA")
        _add(rea, "Ufficio", seller.rea_office)
        _add(rea, "NumeroREA", seller.rea_number)
        _add(rea, "StatoLiquidazione", "LN")
    cessionario = _add(header, "CessionarioCommittente")
    anagrafici = _add(cessionario, "DatiAnagrafici")
    if buyer.vat_number:
        _id_iva(anagrafici, "IdFiscaleIVA", buyer.vat_number)
    else:
        _add(anagrafici, "CodiceFiscale", buyer.tax_code)
    _add(_add(anagrafici, "Anagrafica"), "Denominazione", buyer.name)
    _sede(cessionario, buyer)


def _body(root: etree._Element, doc: Document) -> None:
    body = _add(root, "FatturaElettronicaBody")
    generali = _add(body, "DatiGenerali")
    documento = _add(generali, "DatiGeneraliDocumento")
    _add(documento, "TipoDocumento", doc.type)
    _add(documento, "Divisa", "EUR")
    _add(documento, "Data", doc.date)
    _add(documento, "Numero", doc.number)
    totals = doc.totals
    if totals.stamp_cents:
        bollo = _add(documento, "DatiBollo")
        _add(bollo, "BolloVirtuale", "SI")
        _add(bollo, "ImportoBollo", format_eur_plain(totals.stamp_cents))
    _add(documento, "ImportoTotaleDocumento", format_eur_plain(totals.total_cents))
    causale = doc.reason or (f"Servizi di telefonia mobile {doc.period}" if doc.period else None)
    if causale:
        _add(documento, "Causale", causale[:200])
    if doc.linked_number:
        collegate = _add(generali, "DatiFattureCollegate")
        _add(collegate, "IdDocumento", doc.linked_number)
        _add(collegate, "Data", doc.linked_date)
    beni = _add(body, "DatiBeniServizi")
    for number, line in enumerate(doc.lines, start=1):
        dettaglio = _add(beni, "DettaglioLinee")
        _add(dettaglio, "NumeroLinea", str(number))
        _add(dettaglio, "Descrizione", line.description[:1000])
        _add(dettaglio, "PrezzoUnitario", format_eur_plain(line.net_cents))
        _add(dettaglio, "PrezzoTotale", format_eur_plain(line.net_cents))
        _add(dettaglio, "AliquotaIVA", _rate(line.vat_rate_bp))
        if line.natura:
            _add(dettaglio, "Natura", line.natura)
    for group in totals.groups:
        riepilogo = _add(beni, "DatiRiepilogo")
        _add(riepilogo, "AliquotaIVA", _rate(group.rate_bp))
        if group.natura:
            _add(riepilogo, "Natura", group.natura)
        _add(riepilogo, "ImponibileImporto", format_eur_plain(group.taxable_cents))
        _add(riepilogo, "Imposta", format_eur_plain(group.vat_cents))
        if group.natura:
            _add(riepilogo, "RiferimentoNormativo", N1_NOTE)
        else:
            _add(riepilogo, "EsigibilitaIVA", "I")
    _payment(body, doc)


def _payment(body: etree._Element, doc: Document) -> None:
    if doc.type == "TD04":
        return  # a credit note asks the customer for nothing: no payment terms
    pagamento = _add(body, "DatiPagamento")
    _add(pagamento, "CondizioniPagamento", "TP02")
    dettaglio = _add(pagamento, "DettaglioPagamento")
    _add(dettaglio, "ModalitaPagamento", doc.payment_method)
    _add(dettaglio, "DataScadenzaPagamento", doc.due_date)
    _add(dettaglio, "ImportoPagamento", format_eur_plain(doc.totals.total_cents))
    iban = doc.extra.get("mandate_iban") if doc.payment_method == "MP19" else doc.seller.iban
    if iban:
        _add(dettaglio, "IBAN", iban)


def render_xml(doc: Document) -> bytes:
    """The FatturaPA of ``doc``, validated against the official schema: an invalid one raises
    ``DocumentInvalid`` with the schema's message."""
    root = etree.Element(f"{{{NS}}}FatturaElettronica", nsmap={"p": NS, "ds": DS})
    root.set("versione", "FPR12")
    _header(root, doc)
    _body(root, doc)
    if not fast_schema().validate(root):
        # refused: xmlschema names the first violation with its path, for the run's report
        validate_xml(etree.tostring(root))
        first = fast_schema().error_log.last_error
        raise DocumentInvalid(
            f"FatturaPA non valida secondo lo schema ufficiale: {first}",
            f"FatturaPA invalid against the official schema: {first}",
        )
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return bytes(data)


def validate_xml(data: bytes) -> None:
    """Check a FatturaPA against the official schema with xmlschema (an independent validator
    of the same XSD); the schema's first complaint otherwise."""
    error = next(schema().iter_errors(etree.fromstring(data)), None)
    if error is not None:
        path = error.path or ""
        reason = error.reason or str(error)
        raise DocumentInvalid(
            f"FatturaPA non valida secondo lo schema ufficiale: {path}: {reason}",
            f"FatturaPA invalid against the official schema: {path}: {reason}",
        )


def file_name(vat_number: str, progressive: str) -> str:
    """The name the SdI expects: ``IT<VAT number>_<progressive>.xml``."""
    return f"IT{vat_number}_{progressive}.xml"
