from __future__ import annotations

from saldo.kit.errors import InvalidInput, NotFound


class CatalogInvalid(InvalidInput):
    code = "catalog_invalid"

    def __init__(self, source: str, problems: list[str]) -> None:
        listing = "\n".join(f"  {source}: {p}" for p in problems)
        super().__init__(
            f"catalogo rifiutato, nulla è stato caricato ({len(problems)} problemi):\n{listing}",
            f"catalogue refused, nothing was loaded ({len(problems)} problems):\n{listing}",
        )
        self.problems = problems


class CatalogMissing(NotFound):
    code = "catalog_missing"

    def __init__(self) -> None:
        super().__init__(
            "nessun catalogo caricato: esegui 'saldo catalog load FILE'",
            "no catalogue loaded: run 'saldo catalog load FILE'",
        )


class UnknownPlan(NotFound):
    code = "unknown_plan"

    def __init__(self, code: str) -> None:
        super().__init__(f"offerta sconosciuta: {code}", f"unknown plan: {code}")


class UnknownOption(NotFound):
    code = "unknown_option"

    def __init__(self, code: str) -> None:
        super().__init__(f"opzione sconosciuta: {code}", f"unknown option: {code}")


class UnknownVersion(NotFound):
    code = "unknown_catalog_version"

    def __init__(self, version_id: int) -> None:
        super().__init__(
            f"versione del catalogo sconosciuta: {version_id} (vedi 'saldo catalog versions')",
            f"unknown catalogue version: {version_id} (see 'saldo catalog versions')",
        )
