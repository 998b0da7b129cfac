"""Every domain's tables, imported once so that metadata (and Alembic) sees them all."""

from __future__ import annotations

from saldo.balances import models as _balances
from saldo.catalog import models as _catalog
from saldo.charging import models as _charging
from saldo.customers import models as _customers
from saldo.db import Base
from saldo.lines import models as _lines
from saldo.notifications import models as _notifications
from saldo.payments import models as _payments

metadata = Base.metadata
__all__ = [
    "_balances",
    "_catalog",
    "_charging",
    "_customers",
    "_lines",
    "_notifications",
    "_payments",
    "metadata",
]
