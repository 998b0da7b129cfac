"""Every channel names the same amount missing for the renewal: the presenter's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from saldo.balances.presenter import missing_for_renewal, renewal
from saldo.channels.http.i18n import eur, translator
from saldo.channels.menus import screens, speech
from saldo.channels.menus import words as w
from saldo.channels.menus.speech import PromptContext
from saldo.channels.selfcare.views import renewal_warning
from saldo.channels.sms import texts
from saldo.kit.money import format_eur
from tests.balances.snapshots import snap as _snap


@given(
    credit=st.integers(min_value=0, max_value=100_000),
    fee=st.integers(min_value=1, max_value=100_000),
    status=st.sampled_from(["active", "suspended"]),
)
def test_sms_ussd_voice_and_app_ask_for_the_same_top_up(credit: int, fee: int, status: str) -> None:
    snap = _snap(credit=credit, fee=fee, status=status)
    missing = missing_for_renewal(snap)
    ctx = PromptContext(operator="Saldo Mobile", _snapshot=snap)
    sms = texts.renewal_sentence(snap)
    screen = screens.credit(ctx)
    said = speech.plan_sentence(snap, "it")
    page = renewal_warning(snap, "it", translator("it"))
    if renewal(snap).state == "covered":
        assert "ricarica almeno" not in sms.lower() and "Ricarica almeno" not in screen
        assert "ricarica almeno" not in said and page is None
        return
    assert f"almeno {format_eur(missing)}" in sms
    assert f"almeno {format_eur(missing)}" in screen
    assert f"almeno {w.euro(missing)}" in said
    assert page is not None and f"almeno {eur(missing)}" in page
