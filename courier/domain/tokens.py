"""Capability tokens for the citizen's link: random, and stored only as a hash."""
import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 18  # 144 bits, past the 128 a guess-proof link needs
CITIZEN_PATH = "/t"  # where the citizen's pages are served (create_app)


def new_token() -> tuple[str, str]:
    """Return a fresh URL-safe token and the hash to store in its place."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def citizen_url(public_base_url: str, token: str) -> str:
    """The citizen link carrying `token`, under the site's public address (PUBLIC_BASE_URL)."""
    return f"{public_base_url.rstrip('/')}{CITIZEN_PATH}/{token}"


def token_hash(token: str) -> str:
    """SHA-256 of the token: enough, since the token itself carries 144 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


def derived_token(secret: str, purpose: str, shipment_public_id) -> str:
    """The same token for the same shipment and purpose, unguessable without the app's secret (144
    bits, like new_token): a link the server can show again (the agency's slip, the door's receipt)
    while storing only its hash."""
    digest = hmac.new(secret.encode(), f"citizen-link:{purpose}:{shipment_public_id}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).rstrip(b"=").decode()
