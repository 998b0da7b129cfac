"""The app's payment provider comes from the settings; a wrong one is refused at start."""

from __future__ import annotations

import pytest

from saldo.channels.http.setup import load_provider
from saldo.kit.errors import InvalidInput
from saldo.payments.sandbox import SandboxProvider
from saldo.runtime import Runtime


def test_the_sandbox_is_the_demo_provider_and_nobody_elses_by_default(rt: Runtime) -> None:
    assert load_provider(rt) is None
    rt.settings.demo = True
    assert isinstance(load_provider(rt), SandboxProvider)


@pytest.mark.parametrize("spec", ["nowhere:factory", "saldo.payments.sandbox:nothing", "plain"])
def test_an_unknown_provider_is_refused_clearly(rt: Runtime, spec: str) -> None:
    rt.settings.web.payment_provider = spec
    with pytest.raises(InvalidInput) as caught:
        load_provider(rt)
    assert "module:factory" in caught.value.message_en
