"""Signed checkpoints of the chains' heads (Ed25519, key kept outside the database).

Someone able to edit every table could recompute the whole chain; they
cannot forge a checkpoint signature without the private key, which lives in
a file on the server (or a hardware module later), never in the database.
"""
import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ChainCheckpoint, ChainHead
from ..models.types import utcnow
from .chain import CHAINS


def load_or_create_key(path: str | os.PathLike) -> Ed25519PrivateKey:
    """The signing key from a PEM file, made (mode 0600) on first use."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)).decode()


def _message(checkpoint: ChainCheckpoint) -> bytes:
    return f"{checkpoint.chain}|{checkpoint.seq}|{checkpoint.hash}|{checkpoint.created_at.isoformat()}".encode()


def make_checkpoints(session: Session, key: Ed25519PrivateKey) -> list[ChainCheckpoint]:
    """Sign each chain's current head; the caller commits."""
    made = []
    for head in session.execute(select(ChainHead).order_by(ChainHead.name)).scalars():
        checkpoint = ChainCheckpoint(chain=head.name, seq=head.seq, hash=head.hash, public_key=public_text(key),
                                     signature="", created_at=utcnow())
        checkpoint.signature = base64.b64encode(key.sign(_message(checkpoint))).decode()
        session.add(checkpoint)
        made.append(checkpoint)
    return made


def check_checkpoints(session: Session, trusted_public_key: str) -> list[str]:
    """Problems with the checkpoints: bad signatures, unknown keys, or history that no longer matches."""
    problems = []
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(trusted_public_key))
    for checkpoint in session.execute(select(ChainCheckpoint).order_by(ChainCheckpoint.id)).scalars():
        label = f"checkpoint {checkpoint.id} ({checkpoint.chain} #{checkpoint.seq})"
        if checkpoint.public_key != trusted_public_key:
            problems.append(f"{label}: signed with an unknown key")
            continue
        try:
            public.verify(base64.b64decode(checkpoint.signature), _message(checkpoint))
        except (InvalidSignature, ValueError):
            problems.append(f"{label}: signature does not match")
            continue
        model = CHAINS[checkpoint.chain][0]
        if checkpoint.seq and session.execute(select(model.hash).where(model.seq == checkpoint.seq)).scalar() \
                != checkpoint.hash:
            problems.append(f"{label}: history before it was rewritten")
    return problems
