from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.limits import RecentResults, TokenBucket
from backend.tokens import TokenError, TokenSigner

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
SECRET = b"s" * 32


def test_token_round_trip_and_expiry() -> None:
    signer = TokenSigner(SECRET, lifetime=timedelta(hours=1))
    token, expires = signer.issue("operator", NOW)
    assert expires == NOW + timedelta(hours=1)
    assert signer.check(token, NOW + timedelta(minutes=59)).user_id == "operator"
    with pytest.raises(TokenError, match="expired"):
        signer.check(token, NOW + timedelta(hours=1))


def test_tokens_survive_a_new_signer_with_the_same_secret() -> None:
    token, _ = TokenSigner(SECRET).issue("leader", NOW)
    assert TokenSigner(SECRET).check(token, NOW).user_id == "leader"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "!!!.???"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(TokenError, match="malformed"):
        TokenSigner(SECRET).check(token, NOW)


def test_forged_tokens_are_refused() -> None:
    token, _ = TokenSigner(SECRET).issue("operator", NOW)
    with pytest.raises(TokenError, match="signature"):
        TokenSigner(b"x" * 32).check(token, NOW)
    _, mac = token.split(".")
    other, _ = TokenSigner(SECRET).issue("admin", NOW)
    with pytest.raises(TokenError, match="signature"):
        TokenSigner(SECRET).check(f"{other.split('.')[0]}.{mac}", NOW)


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        TokenSigner(b"short")


def test_bucket_allows_bursts_then_the_rate() -> None:
    bucket = TokenBucket(rate=10, burst=5, now=0.0)
    assert [bucket.take(0.0) for _ in range(6)] == [True] * 5 + [False]
    assert bucket.take(0.1)
    assert not bucket.take(0.1)
    assert all(bucket.take(10.0) for _ in range(5))


def test_recent_results_forget_the_oldest() -> None:
    recent: RecentResults[int] = RecentResults(capacity=2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("c", 3)
    assert recent.get("a") is None
    assert recent.get("c") == 3
    assert len(recent) == 2
