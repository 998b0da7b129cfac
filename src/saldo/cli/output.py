"""The CLI's output layer: the only place that prints, and where errors become exit codes."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from saldo.kit.errors import SaldoError

console = Console()
err_console = Console(stderr=True)

EXIT_CODES = {"invalid": 2, "not_found": 3, "conflict": 4, "forbidden": 5, "unavailable": 6}


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(error: SaldoError) -> NoReturn:
    """Print the error in the operator's language (SALDO_LANG=en for English) and exit."""
    lang = os.environ.get("SALDO_LANG", "it")
    label = "error" if lang == "en" else "errore"
    err_console.print(
        f"[bold red]{label}[/] ({error.code}): {escape(error.message(lang))}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_CODES.get(error.kind, 1))


@contextmanager
def answers() -> Iterator[None]:
    """Turn a SaldoError into a clear message and its exit code."""
    try:
        yield
    except SaldoError as exc:
        fail(exc)


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with answers():
            return fn(*args, **kwargs)

    return wrapper
