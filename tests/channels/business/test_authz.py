"""Role × route × own/other company → the status expected. A line outside the user's reach
is 404, never 403, never its data."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.accounts.support import VAT_A, VAT_B, make_account, make_company, make_user
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


@dataclass
class World:
    own: list[str]
    other: list[str]
    other_user: int
    own_user: int


def _world(web: Web) -> World:
    own = make_company(web.rt, vat=VAT_A, lines=2)
    other = make_company(web.rt, vat=VAT_B, lines=1)
    a = make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    b = make_account(web.rt, vat=VAT_B, admin="admin@b.it")
    make_user(web.rt, account_id=a, email="manager@a.it", role="manager")
    make_user(web.rt, account_id=a, email="employee@a.it", role="employee", msisdn=own[0])
    own_user = make_user(web.rt, account_id=a, email="spare@a.it", role="manager")
    other_user = make_user(web.rt, account_id=b, email="spare@b.it", role="manager")
    return World(own, other, other_user, own_user)


# (method, path, body) with {mine} the employee's line, {colleague} the company's other
# line, {foreign} another company's line, {own_user}/{other_user} user ids
ROUTES = {
    "lines": ("GET", "/lines", None),
    "line_mine": ("GET", "/lines/{mine}", None),
    "line_colleague": ("GET", "/lines/{colleague}", None),
    "line_foreign": ("GET", "/lines/{foreign}", None),
    "option_add": ("POST", "/lines/{colleague}/options", {"code": "MONDO_100"}),
    "option_mine": ("POST", "/lines/{mine}/options", {"code": "GIGA_EXTRA_50"}),
    "option_add_foreign": ("POST", "/lines/{foreign}/options", {"code": "MONDO_100"}),
    "option_remove_foreign": ("DELETE", "/lines/{foreign}/options/MONDO_100", None),
    "bulk": (
        "POST",
        "/options/bulk",
        {"code": "MONDO_100", "action": "add", "lines": ["{colleague}"]},
    ),
    "users": ("GET", "/users", None),
    "invite": ("POST", "/users", {"email": "nuovo@a.it", "role": "manager"}),
    "patch_own": ("PATCH", "/users/{own_user}", {"role": "employee", "msisdn": "{colleague}"}),
    "patch_other": ("PATCH", "/users/{other_user}", {"role": "admin"}),
    "delete_other": ("DELETE", "/users/{other_user}", None),
    "audit": ("GET", "/audit", None),
}
EXPECTED = {
    #                        admin manager employee
    "lines":                 (200, 200, 200),
    "line_mine":             (200, 200, 200),
    "line_colleague":        (200, 200, 404),
    "line_foreign":          (404, 404, 404),
    "option_add":            (201, 201, 404),
    "option_mine":           (201, 201, 403),
    "option_add_foreign":    (404, 404, 404),
    "option_remove_foreign": (404, 404, 404),
    "bulk":                  (200, 200, 403),
    "users":                 (200, 403, 403),
    "invite":                (201, 403, 403),
    "patch_own":             (200, 403, 403),
    "patch_other":           (404, 403, 403),
    "delete_other":          (404, 403, 403),
    "audit":                 (200, 403, 403),
}  # fmt: skip
ROLES = ("admin", "manager", "employee")


def _fill(value: object, names: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_route(web: Web, role: str) -> None:
    world = _world(web)
    names = {
        "mine": world.own[0],
        "colleague": world.own[1],
        "foreign": world.other[0],
        "own_user": str(world.own_user),
        "other_user": str(world.other_user),
    }
    client = login(web, f"{role}@a.it")
    got = {}
    for name, (method, path, body) in ROUTES.items():
        answer = client.request(method, API + str(_fill(path, names)), json=_fill(body, names))
        got[name] = answer.status_code
        if answer.status_code == 404:
            assert answer.json()["code"] in ("line_not_found", "user_not_found")
            assert world.other[0] not in answer.text or name.endswith("foreign")
    expected = {name: statuses[ROLES.index(role)] for name, statuses in EXPECTED.items()}
    assert got == expected


def test_an_employee_lists_only_their_line(web: Web) -> None:
    world = _world(web)
    listed = login(web, "employee@a.it").get(f"{API}/lines")
    assert [line["msisdn"] for line in listed.json()] == [world.own[0]]
    assert listed.headers["X-Total-Count"] == "1"
    manager = login(web, "manager@a.it").get(f"{API}/lines")
    assert sorted(line["msisdn"] for line in manager.json()) == sorted(world.own)
