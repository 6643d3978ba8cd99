"""Sign-in tokens: HMAC-signed, self-contained, so they survive a server restart.

A token names the user and its expiry and is signed with the server's secret (kept in the
database, so every restart and every node share it). Nothing about a token is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_TOKEN_LIFETIME = timedelta(hours=12)
"""A day or night shift; a console re-signs in after that."""


class TokenError(Exception):
    """A token that is malformed, forged or expired; ``reason`` says which, for the logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks tokens with one secret.

    Args:
        secret: At least 32 random bytes.
        lifetime: How long an issued token is valid.
    """

    def __init__(self, secret: bytes, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> None:
        if len(secret) < 32:
            raise ValueError("token secret must be at least 32 bytes")
        self._secret = secret
        self.lifetime = lifetime

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, hashlib.sha256).digest()

    def issue(self, user_id: str, now: datetime) -> tuple[str, datetime]:
        """A new token for ``user_id`` and the instant it expires."""
        expires = (now + self.lifetime).astimezone(UTC).replace(microsecond=0)
        body = f"{user_id}\n{int(expires.timestamp())}".encode()
        return f"{_b64(body)}.{_b64(self._mac(body))}", expires

    def check(self, token: str, now: datetime) -> TokenClaims:
        """The claims of a valid token.

        Raises:
            TokenError: malformed, bad signature, or expired.
        """
        try:
            body_text, mac_text = token.split(".")
            body, mac = _unb64(body_text), _unb64(mac_text)
            user_id, expires_text = body.decode().split("\n")
            expires = datetime.fromtimestamp(int(expires_text), UTC)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenError("malformed token") from exc
        if not hmac.compare_digest(mac, self._mac(body)):
            raise TokenError("bad token signature")
        if now >= expires:
            raise TokenError("token expired")
        return TokenClaims(user_id=user_id, expires_at=expires)
