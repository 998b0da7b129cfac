"""The runtime of the current CLI invocation, built on first use."""

from __future__ import annotations

from saldo.runtime import Runtime, build_runtime

_runtime: Runtime | None = None


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = build_runtime()
    return _runtime
