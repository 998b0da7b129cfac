"""English texts of the app, by their Italian original."""

from __future__ import annotations

EN: dict[str, str] = {}
