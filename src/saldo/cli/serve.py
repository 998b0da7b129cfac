"""``saldo serve``: the web app, the JSON API and the channel webhooks, checked before start."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from saldo.cli.context import runtime
from saldo.cli.output import command
from saldo.config import DEFAULT_SECRET_KEY, MIN_SECRET_KEY, InvalidSettings, Settings, get_settings


def loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name, or an address for every interface ("", 0.0.0.0, ::)


def check_demo(*, host: str, demo_public: bool) -> None:
    """The demo shows every login code (``/demo/phone``) and lists the lines: on a loopback
    address only, unless the operator says ``--demo-public`` on the command line."""
    if not loopback(host) and not demo_public:
        raise InvalidSettings(
            f"la demo mostra i codici di accesso di tutti: su {host!r} parte solo con "
            "--demo-public (oppure usa --host 127.0.0.1)",
            f"the demo shows everyone's login codes: on {host!r} it starts only with "
            "--demo-public (or use --host 127.0.0.1)",
        )


def check_secret_key(settings: Settings) -> None:
    """Outside the demo the key that signs cookies and forms must be the operator's own."""
    key = settings.web.secret_key.get_secret_value()
    if key == DEFAULT_SECRET_KEY or len(key) < MIN_SECRET_KEY:
        problem_it = "non è impostata" if key in ("", DEFAULT_SECRET_KEY) else "è troppo corta"
        problem_en = "is not set" if key in ("", DEFAULT_SECRET_KEY) else "is too short"
        raise InvalidSettings(
            f"SALDO_WEB_SECRET_KEY {problem_it}: serve una chiave casuale di almeno "
            f"{MIN_SECRET_KEY} caratteri (per esempio: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')",
            f"SALDO_WEB_SECRET_KEY {problem_en}: a random key of at least {MIN_SECRET_KEY} "
            "characters is needed (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')",
        )


@command
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="demo pages (phone simulator), sandbox payments")
    ] = False,
    demo_public: Annotated[
        bool,
        typer.Option(
            "--demo-public",
            help="allow the demo on an address other hosts reach (it shows every login code)",
        ),
    ] = False,
) -> None:
    """Serve the web app, the JSON API and the channel webhooks."""
    settings = get_settings()
    if demo or settings.demo:  # SALDO_DEMO=1 counts as --demo, and is as bounded
        check_demo(host=host, demo_public=demo_public)
    else:
        check_secret_key(settings)
    import uvicorn

    from saldo.channels.http.app import create_app

    rt = runtime()
    if demo:
        rt.settings.demo = True
    # X-Forwarded-* are the app's to believe or not (SALDO_WEB_TRUSTED_PROXIES), not uvicorn's
    uvicorn.run(create_app(rt), host=host, port=port, log_level="warning", proxy_headers=False)
