"""Load, validate and read the versioned catalogue."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saldo.catalog.errors import CatalogInvalid, CatalogMissing, UnknownOption, UnknownPlan
from saldo.catalog.models import CatalogVersion
from saldo.catalog.schemas import CatalogDocument, Option, Plan
from saldo.db import Unit, fetch_all
from saldo.kit.clock import Clock

# Versions never change, so their parsed documents are cached by content checksum (ids can be
# reused by another database or after a rollback; a checksum cannot lie).
_documents: dict[str, CatalogDocument] = {}


@dataclass(frozen=True, slots=True)
class LoadResult:
    version_id: int
    created: bool
    plans: int
    options: int


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


def load_catalog(session: Session, *, path: Path, clock: Clock) -> LoadResult:
    """Validate ``path`` and store it as a new catalogue version (unless identical to one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogInvalid(str(path), [f"cannot read file: {exc.strerror}"]) from None
    raw, document = parse_catalog(text, source=str(path))
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    checksum = hashlib.sha256(canonical.encode()).hexdigest()
    existing = session.scalar(select(CatalogVersion).where(CatalogVersion.checksum == checksum))
    if existing is not None:
        return LoadResult(existing.id, False, len(document.plan), len(document.option))
    version = CatalogVersion(
        checksum=checksum, source=str(path), document=canonical, loaded_at=clock.now()
    )
    session.add(version)
    session.flush()
    _documents[checksum] = document
    return LoadResult(version.id, True, len(document.plan), len(document.option))


def current_version_id(session: Session) -> int:
    version_id = session.scalar(select(func.max(CatalogVersion.id)))
    if version_id is None:
        raise CatalogMissing()
    return int(version_id)


def get_catalog(session: Session, version_id: int | None = None) -> tuple[int, CatalogDocument]:
    """The catalogue at ``version_id`` (default: the newest)."""
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
