"""One settings object with nested sections, read once from ``SALDO_*`` variables and ``.env``."""

from __future__ import annotations

import json
from functools import lru_cache
from ipaddress import ip_network
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from saldo.kit.errors import InvalidInput


def _section(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore")


class SmppSettings(BaseSettings):
    model_config = _section("SALDO_SMPP_")
    host: str = "127.0.0.1"
    port: int = 2775
    system_id: str = "saldo"
    password: SecretStr = SecretStr("saldo")
    system_type: str = ""
    source_ton: int = 3
    source_npi: int = 0
    throughput: int = Field(default=500, description="submit_sm per second at most")
    window: int = Field(default=10, description="outstanding submit_sm at most")
    enquire_link_seconds: int = 30
    response_timeout_seconds: float = Field(
        default=10.0, description="wait this long for a submit_sm_resp, then retry later"
    )
    reconnect_min_seconds: float = Field(default=1.0, description="first rebind delay")
    reconnect_max_seconds: float = Field(default=60.0, description="rebind delay doubles to this")
    registered_delivery: bool = Field(default=True, description="ask the SMSC for receipts")
    dest_ton: int = 1
    dest_npi: int = 1
    mo_id_tag: int = Field(
        default=0x001E,
        description="TLV in which the SMSC puts its id of an inbound message (redelivery key)",
    )
    inbound_window: int = Field(default=32, description="inbound messages handled at once")


class SmsSettings(BaseSettings):
    model_config = _section("SALDO_SMS_")
    flood_limit: int = 10
    flood_window_seconds: int = 600


class GatewaySettings(BaseSettings):
    model_config = _section("SALDO_GATEWAY_")
    user: str = "gateway"
    password: SecretStr = SecretStr("")
    outbound_url: str = ""


class TwilioSettings(BaseSettings):
    model_config = _section("SALDO_TWILIO_")
    auth_token: SecretStr = SecretStr("")
    public_url: str = Field(
        default="", description="base URL Twilio calls (behind a proxy), e.g. https://saldo.example"
    )


class IvrSettings(BaseSettings):
    model_config = _section("SALDO_IVR_")
    prompts_dir: str = Field(default="", description="prompt audio cache (default ~/.cache)")
    agi_dial: str = Field(default="PJSIP/{number}@trunk", description="Asterisk Dial string")


class CareSettings(BaseSettings):
    model_config = _section("SALDO_CARE_")
    destination: str = "+390699999999"
    business_destination: str = "+390699999998"
    opens: str = "08:00"
    closes: str = "22:00"
    complaint_days: int = Field(
        default=30, ge=1, le=365, description="days the operator has to answer a complaint"
    )
    indemnity_day_cents: int = Field(
        default=250, ge=0, description="indemnity per full day a complaint's answer is late"
    )
    indemnity_cap_cents: int = Field(
        default=30000, ge=0, description="the most one late complaint pays (doubled for business)"
    )
    sepa_name: str = Field(default="", description="the operator's name in SEPA refund batches")
    sepa_iban: str = Field(default="", description="the IBAN refunds are paid from")
    sepa_bic: str = Field(default="", description="the BIC of that account")


class SmtpSettings(BaseSettings):
    """E-mail delivery. Without a host, e-mails stay in the outbox (the demo shows them at
    /demo/mail; ``saldo outbox list --to EMAIL``)."""

    model_config = SettingsConfigDict(
        env_prefix="SALDO_SMTP_", env_file=".env", extra="ignore", populate_by_name=True
    )
    host: str = ""
    port: int = Field(default=587, ge=1, le=65535)
    user: str = ""
    password: SecretStr = SecretStr("")
    from_: str = Field(
        default="",
        validation_alias="SALDO_SMTP_FROM",
        description="the From address of every e-mail, e.g. Saldo <noreply@saldo.example>",
    )
    ca_file: str = Field(
        default="", description="CA certificates to check the server's STARTTLS certificate by"
    )
    timeout_seconds: float = Field(default=30.0, gt=0)


DEFAULT_SECRET_KEY = "change-me-in-production"
"""The key a checkout starts with: good for the demo and the tests, refused by ``saldo serve``."""
MIN_SECRET_KEY = 32


class WebSettings(BaseSettings):
    model_config = _section("SALDO_WEB_")
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    previous_secret_keys: list[SecretStr] = Field(
        default_factory=list,
        description="keys rotated out (a JSON list): what they signed is still accepted; keep "
        "them for a session's life (session_max_hours) after a rotation, then remove them",
    )
    session_idle_minutes: int = 30
    secure_cookies: bool = False
    session_max_hours: int = Field(default=12, description="a browser session's absolute life")
    api_token_minutes: int = Field(default=60, description="an API bearer token's life")
    public_url: str = Field(
        default="",
        description="the address users reach Saldo at (https://saldo.example), for links in "
        "e-mails; default: the address of the request that sent them",
    )
    refresh_seconds: int = Field(default=20, description="how often the dashboard checks usage")
    payment_provider: str = Field(
        default="",
        description="module:factory(runtime) of the card payment provider; none: top-ups are "
        "unavailable (503), except with --demo, which uses the sandbox (test cards, no money)",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1, description="the largest request body any route accepts"
    )
    body_limits: dict[str, int] = Field(
        default_factory=dict,
        description='other limits by path prefix, a JSON object ({"/care/attachments": 10485760});'
        " the longest matching prefix wins",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed, comma-separated or a JSON list (default: none; the "
        "peer's address is the client's)",
    )
    otp_per_address_minute: int = Field(
        default=10, ge=0, description="login codes one client address may request a minute"
    )
    otp_per_address_hour: int = Field(
        default=30, ge=0, description="login codes one client address may request an hour"
    )
    otp_wrong_per_address_hour: int = Field(
        default=30, ge=0, description="wrong login codes one address may try an hour, all numbers"
    )
    otp_per_range_hour: int = Field(
        default=60,
        ge=0,
        description="login codes an hour for one number range (the number without its last "
        "4 digits), whoever asks",
    )
    otp_sms_per_minute: int = Field(
        default=300,
        ge=0,
        description="login SMS a minute for everyone: past it requests are refused and an "
        "error is logged (identity.login_sms_budget_exceeded); 0 for any limit turns it off",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list):
            value = [str(part).strip() for part in value if str(part).strip()]
            for part in value:
                ip_network(part, strict=False)  # ValueError names the bad one
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SALDO_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./saldo.db"
    auto_migrate: bool = True
    """Commands migrate a schema that is behind; False: they refuse with a clear message."""
    catalog_file: str = "catalog/demo.toml"
    demo: bool = False
    """The demo: sandbox payments and the phone simulator (every login code on a page). ``saldo
    serve`` allows it on a loopback address only, unless ``--demo-public`` is given."""
    log_level: str = "INFO"
    retention_days: int = Field(
        default=180,
        ge=1,
        description="days the worker keeps SMS received and messages sent (inbox included)",
    )
    sepa_dir: str = Field(
        default="sepa", description="folder where the bill run writes SEPA direct debit batches"
    )
    smpp: SmppSettings = Field(default_factory=SmppSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    twilio: TwilioSettings = Field(default_factory=TwilioSettings)
    ivr: IvrSettings = Field(default_factory=IvrSettings)
    care: CareSettings = Field(default_factory=CareSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)


class InvalidSettings(InvalidInput):
    code = "invalid_settings"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once; a bad value is named by its variable."""
    try:
        return Settings()
    except ValidationError as exc:
        prefixes = {
            cls.__name__: cls.model_config.get("env_prefix", "")
            for cls in (Settings, *(f.annotation for f in Settings.model_fields.values()))
            if isinstance(cls, type) and issubclass(cls, BaseSettings)
        }
        bad = "; ".join(
            f"{prefixes.get(exc.title, '')}{'_'.join(map(str, e['loc'])).upper()}"
            f" = {e.get('input')!r}: {e['msg']}"
            for e in exc.errors()
        )
        raise InvalidSettings(
            f"impostazione non valida: {bad}", f"invalid setting: {bad}"
        ) from None
