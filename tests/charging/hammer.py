"""A process that charges, tops up and adds or removes options on the same lines as its
siblings (see test_concurrency)."""

from __future__ import annotations

import random
import sys

from saldo.charging.online import charge_online
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import charge_usage
from saldo.config import Settings
from saldo.kit.errors import SaldoError
from saldo.kit.origin import CLI
from saldo.lines.service import add_option, remove_option
from saldo.payments.service import top_up
from saldo.runtime import build_runtime, retrying


def main(url: str, seed: int, lines: list[str], operations: int) -> None:
    rt = build_runtime(Settings(database_url=url))
    rnd = random.Random(seed)
    for i in range(operations):
        msisdn = rnd.choice(lines)
        if rnd.random() < 0.1:
            # options come and go: buckets granted and closed under the others' charges
            code = "GIGA_EXTRA_10" if rnd.random() < 0.5 else "MONDO_100"
            change = add_option if rnd.random() < 0.5 else remove_option
            try:
                retrying(
                    rt,
                    lambda s, m=msisdn, c=code, f=change: f(
                        s, msisdn=m, option_code=c, clock=rt.clock, origin=CLI
                    ),
                )
            except SaldoError as refused:  # not active, not for this plan, no credit
                assert refused.kind in ("invalid", "conflict"), refused
        elif rnd.random() < 0.2:
            # shared references: several processes try the same top-up
            ref = f"pay-{rnd.randrange(operations // 4)}-{lines.index(msisdn)}"
            retrying(
                rt,
                lambda s, m=msisdn, r=ref: top_up(
                    s, msisdn=m, amount_cents=500, ref=r, clock=rt.clock, origin=CLI
                ),
            )
        else:
            # a fifth of the events are network retries of another process's event
            shared = rnd.random() < 0.2
            event_id = (
                f"shared-{rnd.randrange(50)}-{lines.index(msisdn)}" if shared else f"p{seed}-{i}"
            )
            service = rnd.choice(["sms", "voice", "data"])
            quantity = {"sms": 1, "voice": rnd.randrange(1, 300)}.get(
                service, rnd.randrange(1, 3_000_000)
            )
            event = UsageEvent(event_id, msisdn, service, "national", rt.clock.now(), quantity)
            # both entry points race: immediate event charging and a charge in a caller's unit
            if rnd.random() < 0.5:
                charge_online(rt, event=event, now=rt.clock.now(), sender="4155")
            else:
                retrying(
                    rt,
                    lambda s, e=event: charge_usage(s, event=e, now=rt.clock.now(), sender="4155"),
                )
    rt.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), int(sys.argv[4]))
