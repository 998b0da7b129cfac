"""Every domain's tables, imported once so that metadata (and Alembic) sees them all."""

from __future__ import annotations

from saldo.accounts import models as _accounts
from saldo.audit import models as _audit
from saldo.balances import models as _balances
from saldo.billing import models as _billing
from saldo.care import models as _care
from saldo.catalog import models as _catalog
from saldo.channels.menus import models as _menus
from saldo.channels.sms import models as _sms
from saldo.charging import models as _charging
from saldo.customers import models as _customers
from saldo.db import Base
from saldo.identity import models as _identity
from saldo.lines import models as _lines
from saldo.notifications import models as _notifications
from saldo.payments import models as _payments
from saldo.payments.orders import models as _payment_orders

metadata = Base.metadata
__all__ = [
    "_accounts",
    "_audit",
    "_balances",
    "_billing",
    "_care",
    "_catalog",
    "_charging",
    "_customers",
    "_identity",
    "_lines",
    "_menus",
    "_notifications",
    "_payment_orders",
    "_payments",
    "_sms",
    "metadata",
]
