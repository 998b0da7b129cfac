"""schemathesis over /openapi.json against the app on a loopback uvicorn: no operation answers
5xx, whatever the input, signed in with a bearer token so /api/v1/me is exercised too.

Bounded and deterministic: EXAMPLES cases per operation and mode (positive and negative),
derandomized Hypothesis, no example database. About a minute per backend on 2 cores.
"""

from __future__ import annotations

import base64

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis.generation.case import Case

from tests.channels.web.support import Web
from tests.factories import make_line

EXAMPLES = 300
LOGOUT = ("DELETE", "/api/v1/auth/token")


@pytest.mark.slow
def test_schemathesis_finds_no_5xx_on_any_operation(web: Web) -> None:
    msisdn = make_line(web.rt, credit="50")
    bearer = web.api_login(msisdn).headers["Authorization"]
    # the SMS and USSD gateways configured, and their Basic credentials sent: their routes'
    # parsing is probed too, not only their refusal
    web.rt.settings.gateway.password = SecretStr("gateway-password")
    basic = "Basic " + base64.b64encode(b"gateway:gateway-password").decode()
    schema = schemathesis.openapi.from_url(f"{web.url}/openapi.json")
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: ((op.method.upper(), op.path) == LOGOUT, op.path, op.method),
    )
    assert len(operations) >= 15
    failures: list[str] = []
    http = requests.Session()
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def probe(case: Case) -> None:
            auth = basic if case.path.startswith("/channels/") else bearer
            answer = case.call(
                base_url=web.url, session=http, headers={"Authorization": auth}, timeout=30
            )
            if answer.status_code >= 500:
                failures.append(f"{answer.status_code}: {case.as_curl_command()}")

        probe()
    assert not failures, "\n".join(failures[:20])
