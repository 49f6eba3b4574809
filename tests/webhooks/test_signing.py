"""The signature scheme and its receiver helper: a valid delivery verifies; a stale, tampered, foreign or
malformed one is refused with a message that says why."""

from __future__ import annotations

import time

import pytest

from webhooks.signing import SignatureError, sign, signature, verify

SECRET = "whsec_test-secret"
BODY = b'{"id":"e1","type":"ping"}'


def test_a_fresh_signature_verifies_and_names_its_timestamp():
    now = int(time.time())
    header = sign(secret=SECRET, body=BODY, timestamp=now)
    assert header == f"t={now},v1={signature(secret=SECRET, timestamp=now, body=BODY)}"
    assert verify(header=header, body=BODY, secret=SECRET) == now


def test_a_replayed_delivery_older_than_five_minutes_is_refused():
    then = int(time.time()) - 301
    header = sign(secret=SECRET, body=BODY, timestamp=then)
    with pytest.raises(SignatureError, match="old"):
        verify(header=header, body=BODY, secret=SECRET)
    assert verify(header=header, body=BODY, secret=SECRET, now=then + 299) == then  # within the window
    with pytest.raises(SignatureError):
        verify(header=sign(secret=SECRET, body=BODY, timestamp=int(time.time()) + 600), body=BODY, secret=SECRET)


@pytest.mark.parametrize(
    ("header", "body", "secret", "why"),
    [
        (None, BODY + b" ", SECRET, "does not match"),  # the body changed
        (None, BODY, "whsec_another", "does not match"),  # another endpoint's secret
        ("v1=abc", BODY, SECRET, "needs t="),
        ("t=soon,v1=abc", BODY, SECRET, "not a number"),
        ("", BODY, SECRET, "needs t="),
    ],
)
def test_tampered_foreign_or_malformed_signatures_are_refused(header, body, secret, why):
    header = header if header is not None else sign(secret=SECRET, body=BODY)
    with pytest.raises(SignatureError, match=why):
        verify(header=header, body=body, secret=secret)


def test_any_matching_v1_is_enough():
    now = int(time.time())
    good = signature(secret=SECRET, timestamp=now, body=BODY)
    assert verify(header=f"t={now},v1={'0' * 64},v1={good}", body=BODY, secret=SECRET) == now
