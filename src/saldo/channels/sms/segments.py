"""A reply's text as the short_message bytes of one or more submit_sm (concatenated with UDH).

aiosmpplib encodes the characters (its GSM 03.38 and UCS-2 codecs) but its own splitting is not
used: its SAR path (no UDHI) crashes the ESME in 0.7.4, and its UDH path counts characters, not
septets, so a 160-character text with a "€" (two septets) goes out as one 161-septet message.
Here a part holds at most 153 septets (GSM-7) or 67 UCS-2 units, an escape sequence or a
surrogate pair is never cut, and a text that fits one SMS goes out whole, without a header.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiosmpplib import GSM7BitCodec, UCS2Codec

from saldo.channels.sms.texts import gsm7_length, is_gsm7

DATA_CODING_GSM7 = 0x00
"""SMSC default alphabet: GSM 03.38, one septet per octet (unpacked)."""
DATA_CODING_UCS2 = 0x08
ESM_CLASS_UDHI = 0x40

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67
ESCAPE = 0x1B


@dataclass(frozen=True, slots=True)
class Segment:
    """One submit_sm's payload."""

    short_message: bytes
    data_coding: int
    esm_class: int
    part: int
    parts: int


def _gsm7(text: str) -> bytes:
    return bytes(GSM7BitCodec.get_codec_info().encode(text)[0])


def _ucs2(text: str) -> bytes:
    return bytes(UCS2Codec.get_codec_info().encode(text)[0])


def _chunks_gsm7(encoded: bytes) -> list[bytes]:
    chunks: list[bytes] = []
    start = 0
    while start < len(encoded):
        end = min(start + GSM7_PART, len(encoded))
        if end < len(encoded) and encoded[end - 1] == ESCAPE and _is_escape(encoded, end - 1):
            end -= 1  # never separate the escape from the character it announces
        chunks.append(encoded[start:end])
        start = end
    return chunks


def _is_escape(encoded: bytes, index: int) -> bool:
    """Whether the 0x1B at ``index`` starts an escape sequence (not the tail of one)."""
    run = 0
    while index - run >= 0 and encoded[index - run] == ESCAPE:
        run += 1
    return run % 2 == 1


def _chunks_ucs2(encoded: bytes) -> list[bytes]:
    chunks: list[bytes] = []
    start = 0
    size = UCS2_PART * 2
    while start < len(encoded):
        end = min(start + size, len(encoded))
        if end < len(encoded) and 0xD8 <= encoded[end - 2] <= 0xDB:
            end -= 2  # never cut a surrogate pair
        chunks.append(encoded[start:end])
        start = end
    return chunks


def split(text: str, *, ref: int) -> list[Segment]:
    """The parts of ``text``; ``ref`` (0-255) ties the parts of one concatenated message."""
    if is_gsm7(text):
        coding, encoded = DATA_CODING_GSM7, _gsm7(text)
        if gsm7_length(text) <= GSM7_SINGLE:
            return [Segment(encoded, coding, 0, 1, 1)]
        chunks = _chunks_gsm7(encoded)
    else:
        coding, encoded = DATA_CODING_UCS2, _ucs2(text)
        if len(encoded) <= UCS2_SINGLE * 2:
            return [Segment(encoded, coding, 0, 1, 1)]
        chunks = _chunks_ucs2(encoded)
    if len(chunks) > 255:
        raise ValueError("a concatenated SMS has at most 255 parts")
    total = len(chunks)
    return [
        Segment(bytes([5, 0, 3, ref & 0xFF, total, n]) + chunk, coding, ESM_CLASS_UDHI, n, total)
        for n, chunk in enumerate(chunks, start=1)
    ]


def count(text: str) -> int:
    """How many SMS ``text`` takes."""
    return len(split(text, ref=0))
