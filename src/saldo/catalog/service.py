"""Load, validate and read the versioned catalogue."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.catalog.errors import (
    CatalogInvalid,
    CatalogMissing,
    UnknownOption,
    UnknownPlan,
    UnknownVersion,
)
from saldo.catalog.models import CatalogVersion
from saldo.catalog.schemas import CatalogDocument, Option, Plan
from saldo.db import Unit, fetch_all
from saldo.kit.clock import Clock

log = structlog.get_logger("saldo.catalog")

MAX_FILE_BYTES = 1024 * 1024
"""A catalogue file larger than this is refused unread (the demo one is about 8 KB)."""
MAX_DEPTH = 8
"""Tables and arrays nest at most this deep (the format needs 5: plan.rates.national.voice)."""

# Versions never change, so their parsed documents are cached by content checksum (ids can be
# reused by another database or after a rollback; a checksum cannot lie).
_documents: dict[str, CatalogDocument] = {}


@dataclass(frozen=True, slots=True)
class LoadResult:
    version_id: int
    created: bool
    plans: int
    options: int
    activated: bool
    """The version was not the active one before this load (new, or an older one again)."""


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    loaded_at: datetime
    checksum: str
    source: str
    active: bool


@dataclass(frozen=True, slots=True)
class Activation:
    version_id: int
    previous_id: int | None
    changed: bool


def _problem_path(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            parts[-1] += f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and "code" in node:
                parts[-1] += f"({node['code']})"
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(document)"


def parse_catalog(text: str, *, source: str) -> tuple[dict[str, Any], CatalogDocument]:
    """Parse and validate a catalogue; every problem is named, or none is loaded."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogInvalid(source, [f"not valid TOML: {exc}"]) from None
    except (ValueError, RecursionError) as exc:  # an integer of thousands of digits, deep nesting
        raise CatalogInvalid(source, [f"not a catalogue: {str(exc)[:200]}"]) from None
    if _depth(raw) > MAX_DEPTH:
        raise CatalogInvalid(source, [f"tables and arrays nest deeper than {MAX_DEPTH} levels"])
    try:
        return raw, CatalogDocument.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown key"
            elif err["type"] == "missing":
                message = "required key is missing"
            problems.append(f"{_problem_path(raw, tuple(err['loc']))}: {message}")
        raise CatalogInvalid(source, problems) from None


def _depth(document: dict[str, Any]) -> int:
    """How deep tables and arrays nest (without recursion: the document may be hostile)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest


def read_catalog_file(path: Path) -> str:
    """The text of a catalogue file: UTF-8, at most ``MAX_FILE_BYTES``."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CatalogInvalid(str(path), [f"cannot read file: {exc.strerror}"]) from None
    if len(data) > MAX_FILE_BYTES:
        raise CatalogInvalid(str(path), [f"file larger than {MAX_FILE_BYTES // 1024} KB"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogInvalid(
            str(path), [f"not a text file in UTF-8 (byte {exc.start}: {data[exc.start]:#04x})"]
        ) from None
    if "\x00" in text:
        raise CatalogInvalid(str(path), ["not a text file (it contains NUL bytes)"])
    return text


def load_catalog(session: Session, *, path: Path, clock: Clock) -> LoadResult:
    """Validate ``path`` and store it as a new catalogue version, which becomes the active one.

    A file whose content equals a version already loaded makes that version active again (the
    way back from a bad version); nothing new is stored.
    """
    raw, document = parse_catalog(read_catalog_file(path), source=str(path))
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    checksum = hashlib.sha256(canonical.encode()).hexdigest()
    counts = len(document.plan), len(document.option)
    existing = session.scalar(select(CatalogVersion).where(CatalogVersion.checksum == checksum))
    if existing is not None:
        activation = activate_version(session, version_id=existing.id)
        return LoadResult(existing.id, False, *counts, activation.changed)
    version = CatalogVersion(
        checksum=checksum, source=str(path), document=canonical, loaded_at=clock.now()
    )
    session.add(version)
    session.flush()
    _documents[checksum] = document
    activate_version(session, version_id=version.id)
    return LoadResult(version.id, True, *counts, True)


def list_versions(session: Session) -> list[VersionInfo]:
    """Every version loaded, oldest first."""
    rows = session.execute(
        select(
            CatalogVersion.id,
            CatalogVersion.loaded_at,
            CatalogVersion.checksum,
            CatalogVersion.source,
            CatalogVersion.active,
        ).order_by(CatalogVersion.id)
    )
    return [
        VersionInfo(r.id, r.loaded_at, r.checksum, r.source, bool(r.active)) for r in rows.all()
    ]


def activate_version(session: Session, *, version_id: int) -> Activation:
    """Make ``version_id`` the version new subscriptions and renewals use (lines keep theirs
    until their renewal). Idempotent: activating the active version changes nothing."""
    found = session.scalar(select(CatalogVersion.id).where(CatalogVersion.id == version_id))
    if found is None:
        raise UnknownVersion(version_id)
    previous = _active_id(session)
    if previous == version_id:
        return Activation(version_id, previous, False)
    # one active row at a time (a partial unique index): the old one goes first
    session.execute(
        update(CatalogVersion).where(CatalogVersion.active.is_(True)).values(active=False)
    )
    session.execute(
        update(CatalogVersion).where(CatalogVersion.id == version_id).values(active=True)
    )
    session.flush()
    log.info("catalog_version_activated", version=version_id, previous=previous)
    return Activation(version_id, previous, True)


def _active_id(session: Session) -> int | None:
    version_id = session.scalar(select(CatalogVersion.id).where(CatalogVersion.active.is_(True)))
    return None if version_id is None else int(version_id)


def current_version_id(session: Session) -> int:
    """The active version."""
    version_id = _active_id(session)
    if version_id is None:
        raise CatalogMissing()
    return version_id


def get_catalog(session: Session, version_id: int | None = None) -> tuple[int, CatalogDocument]:
    """The catalogue at ``version_id`` (default: the active one)."""
    if version_id is None:
        version_id = current_version_id(session)
    checksum = session.scalar(
        select(CatalogVersion.checksum).where(CatalogVersion.id == version_id)
    )
    if checksum is None:
        raise CatalogMissing()
    return version_id, document_for(session, version_id=version_id, checksum=checksum)


def document_for(unit: Unit, *, version_id: int, checksum: str) -> CatalogDocument:
    """The parsed document of a version whose checksum the caller already read."""
    document = _documents.get(checksum)
    if document is None:
        rows = fetch_all(unit, "SELECT document FROM catalog_version WHERE id = ?", (version_id,))
        if not rows:
            raise CatalogMissing()
        document = CatalogDocument.model_validate(json.loads(rows[0][0]))
        _documents[checksum] = document
    return document


def get_plan(session: Session, code: str, version_id: int | None = None) -> tuple[int, Plan]:
    version_id, document = get_catalog(session, version_id)
    plan = document.plan_by_code(code)
    if plan is None:
        raise UnknownPlan(code)
    return version_id, plan


def get_option(session: Session, code: str, version_id: int | None = None) -> tuple[int, Option]:
    version_id, document = get_catalog(session, version_id)
    option = document.option_by_code(code)
    if option is None:
        raise UnknownOption(code)
    return version_id, option
