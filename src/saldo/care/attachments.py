"""What an attachment is, told by its first bytes (never by its name or declared type)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from saldo.care.errors import InvalidAttachment
from saldo.kit.validators import check_text

MAX_BYTES = 5 * 1024 * 1024
"""5 MB: the largest attachment accepted."""
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass(frozen=True, slots=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type ``data`` starts like (PDF, JPEG, PNG), or None."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def check_file(filename: str, data: bytes) -> CheckedFile:
    """An attachment that may be kept, or InvalidAttachment saying why not."""
    name = (filename or "allegato").strip().replace("/", "_").replace("\\", "_")
    check_text(name, field="filename", max_length=200)
    if not data:
        raise InvalidAttachment("l'allegato è vuoto", "the attachment is empty")
    if len(data) > MAX_BYTES:
        raise InvalidAttachment(
            "l'allegato supera 5 MB", f"the attachment is larger than 5 MB ({len(data)} bytes)"
        )
    kind = sniff(data)
    if kind is None:
        raise InvalidAttachment(
            "sono accettati solo file PDF, JPEG o PNG", "only PDF, JPEG or PNG files are accepted"
        )
    return CheckedFile(name, kind, data, hashlib.sha256(data).hexdigest())
