"""identity.service and identity.pin implement the interface the channels are written against."""

from __future__ import annotations

import inspect

import pytest

from saldo.identity import interfaces, pin, service


@pytest.mark.parametrize(
    ("protocol", "module"),
    [(interfaces.SignIn, service), (interfaces.Sessions, service), (interfaces.Pins, pin)],
)
def test_the_service_implements_its_interface(protocol: type, module: object) -> None:
    members = [n for n, v in vars(protocol).items() if inspect.isfunction(v) and n[0] != "_"]
    assert members
    for name in members:
        wanted = inspect.signature(getattr(protocol, name))
        params = list(wanted.parameters.values())[1:]  # without self
        got = inspect.signature(getattr(module, name))
        assert list(got.parameters) == [p.name for p in params], name
        for param in params:
            other = got.parameters[param.name]
            assert (other.kind, other.default) == (param.kind, param.default), (name, param.name)
