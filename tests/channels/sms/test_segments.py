"""Splitting a reply into SMS: GSM-7 septets (not characters), UCS-2 units, UDH bytes."""

from __future__ import annotations

from aiosmpplib import GSM7BitCodec, UCS2Codec

from saldo.channels.sms.segments import (
    DATA_CODING_GSM7,
    DATA_CODING_UCS2,
    ESM_CLASS_UDHI,
    count,
    split,
)


def _gsm(data: bytes) -> str:
    return str(GSM7BitCodec.get_codec_info().decode(data)[0])


def test_a_short_text_is_one_plain_gsm7_message() -> None:
    (only,) = split("Credito 12,34€. Min illimitati.", ref=9)
    assert only.esm_class == 0
    assert only.data_coding == DATA_CODING_GSM7
    # golden: "€" is the escape 0x1B followed by 0x65 in GSM 03.38
    assert only.short_message == b"Credito 12,34\x1be. Min illimitati."


def test_160_septets_fit_one_message_but_a_euro_sign_counts_two() -> None:
    assert count("a" * 160) == 1
    assert count("a" * 159 + "€") == 2  # 161 septets: aiosmpplib would send it as one
    assert count("a" * 158 + "€") == 1


def test_parts_carry_a_udh_and_153_septets_at_most() -> None:
    text = "".join(f"{i:03d}," for i in range(100))  # 400 characters
    parts = split(text, ref=0x2A)
    assert [p.part for p in parts] == [1, 2, 3]
    for part in parts:
        assert part.esm_class == ESM_CLASS_UDHI
        assert part.short_message[:6] == bytes([0x05, 0x00, 0x03, 0x2A, 3, part.part])
        assert len(part.short_message) - 6 <= 153
    assert "".join(_gsm(p.short_message[6:]) for p in parts) == text


def test_an_escape_sequence_is_never_cut_between_parts() -> None:
    text = "x" * 152 + "€" + "y" * 20
    first, second = split(text, ref=1)
    assert first.short_message[-1] != 0x1B
    assert second.short_message[6:8] == b"\x1be"
    assert _gsm(first.short_message[6:]) + _gsm(second.short_message[6:]) == text


def test_a_character_outside_gsm7_forces_ucs2_and_70_characters() -> None:
    assert split("È" * 70, ref=0)[0].data_coding == DATA_CODING_UCS2
    assert count("È" * 70) == 1
    parts = split("È" * 71, ref=5)
    assert len(parts) == 2
    assert all(p.data_coding == DATA_CODING_UCS2 for p in parts)
    assert len(parts[0].short_message) == 6 + 67 * 2
    joined = b"".join(p.short_message[6:] for p in parts)
    assert UCS2Codec.get_codec_info().decode(joined)[0] == "È" * 71


def test_a_surrogate_pair_is_never_cut() -> None:
    text = "a" * 66 + "😀" + "b" * 10
    first, _second = split(text, ref=3)
    last_unit = first.short_message[-2]
    assert not 0xD8 <= last_unit <= 0xDB
