"""One spelling per value: the strict decoders behind notes, checkpoints and proofs."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.log.encoding import decode_base64, decode_decimal, encode_base64, is_valid_key_name


@given(st.binary(max_size=100))
def test_base64_round_trips(data: bytes) -> None:
    assert decode_base64(encode_base64(data)) == data


@pytest.mark.parametrize("text", ["AAA", "AA==AA==", "AAAA\n", " AAAA", "AB==", "AAA-", "ÀAAA"])
def test_base64_other_than_canonical_padded_standard_is_refused(text: str) -> None:
    assert decode_base64(text) is None


def test_the_non_canonical_twin_decodes_leniently_but_not_here() -> None:
    assert base64.b64decode("AB==") == base64.b64decode("AA==")
    assert decode_base64("AA==") == b"\x00"


@given(st.integers(0, 2**63 - 1))
def test_decimal_round_trips(value: int) -> None:
    assert decode_decimal(str(value)) == value


@pytest.mark.parametrize("text", ["", "01", "+1", "-1", " 1", "1 ", "1_0", "١", "1e3", str(2**63)])
def test_decimals_other_than_plain_ascii_are_refused(text: str) -> None:
    assert decode_decimal(text) is None


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("parley.example/log", True),
        ("Сторона-А", True),
        ("", False),
        ("a b", False),
        ("a+b", False),
        ("a\u2003b", False),
        ("a\u0085b", False),
        ("a\x7fb", False),
    ],
)
def test_key_names(name: str, valid: bool) -> None:
    assert is_valid_key_name(name) is valid
