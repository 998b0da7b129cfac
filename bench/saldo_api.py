"""Where the benchmarks find what they use of Saldo's domains and channels: one table to fix
when a module moves (``from bench.saldo_api import open_session``).

Each name is imported from its module (as the attribute named, when the table gives one)
when first asked for, so that a client process that
only charges does not import the web app. The infrastructure (``saldo.db``, ``saldo.config``,
``saldo.runtime``, ``saldo.migrate``, ``saldo.kit``) is imported where used.
"""

from __future__ import annotations

import importlib
from typing import Any

WHERE: dict[str, str | tuple[str, str]] = {
    # domains
    "load_catalog": "saldo.catalog.service",
    "Customer": "saldo.customers.models",
    "Line": "saldo.lines.models",
    "add_line": "saldo.lines.service",
    "add_option": "saldo.lines.service",
    "Bucket": "saldo.balances.models",
    "LedgerEntry": "saldo.balances.models",
    "get_snapshot": "saldo.balances.service",
    "UsageEvent": "saldo.charging.schemas",
    "charge_usage": "saldo.charging.service",
    "charge_online": "saldo.charging.online",
    "open_session": "saldo.identity.service",
    "BillableCharge": "saldo.billing.models",
    "BilledLine": "saldo.billing.models",
    "BillingAccount": "saldo.billing.models",
    "Invoice": "saldo.billing.models",
    "Document": "saldo.billing.document",
    "render_pdf": "saldo.billing.pdf",
    "courtesy_copies": "saldo.billing.pdf",
    "run_bills": "saldo.billing.runs",
    "Ticket": "saldo.care.models",
    "ticket_by_code": "saldo.care.repository",
    "tickets_of": "saldo.care.repository",
    "ticket_queue": ("saldo.care.repository", "queue"),
    # channels and processes
    "create_app": "saldo.channels.http.app",
    "SmsInbound": "saldo.channels.sms.models",
    "PromptContext": "saldo.channels.menus.speech",
    "render_prompts": ("saldo.channels.menus.speech", "render"),
    "purge": "saldo.worker",
    # the SMSC peer of the SMS channel's tests (the smpp34 server in a process of its own)
    "SmscPeer": "tests.channels.sms.support",
}


def __getattr__(name: str) -> Any:
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    where = WHERE[name]
    module, attribute = where if isinstance(where, tuple) else (where, name)
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
