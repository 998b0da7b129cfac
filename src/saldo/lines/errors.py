from __future__ import annotations

from saldo.balances.errors import UnknownLine
from saldo.kit.errors import Conflict, InvalidInput


class LineNotFound(UnknownLine):
    """No line has this number."""

    code = "line_not_found"


class LineExists(Conflict):
    code = "line_exists"

    def __init__(self, msisdn: str) -> None:
        super().__init__(f"la linea {msisdn} esiste già", f"line {msisdn} already exists")


class PlanNotAllowed(InvalidInput):
    code = "plan_not_allowed"


class OptionNotAllowed(InvalidInput):
    code = "option_not_allowed"


class OptionState(Conflict):
    code = "option_state"


class PlanState(Conflict):
    code = "plan_state"
