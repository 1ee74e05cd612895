"""Signed checkpoints of the chains' heads (Ed25519, key kept outside the database), and their log.

Someone able to edit every table could recompute the whole chain; they
cannot forge a checkpoint signature without the private key, which lives in
a file on the server (or a hardware module later), never in the database.
But they could delete the checkpoints with the rest, so each checkpoint is
also appended to a log file outside the database and its backups
(CHECKPOINT_LOG_FILE), and `verify` checks that the database still holds
every logged checkpoint and that each chain still extends each logged head.
"""
import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import ChainCheckpoint, ChainHead
from ..models.types import utcnow
from ..private_files import FILE_MODE, private_folder
from .chain import CHAINS


def load_or_create_key(path: str | os.PathLike) -> Ed25519PrivateKey:
    """The signing key from a PEM file, made (mode 0600; a new folder 0700) on first use."""
    path = Path(path)
    if not path.exists():
        _folder_for(path)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:  # another worker thread made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)).decode()


def signed_text(chain: str, seq: int, head_hash: str, created_at: str) -> bytes:
    """The bytes a checkpoint's signature covers: "chain|seq|hash|created_at" (ISO 8601, UTC)."""
    return f"{chain}|{seq}|{head_hash}|{created_at}".encode()


def record(checkpoint: ChainCheckpoint) -> dict:
    """A checkpoint as the log and the agencies' webhook carry it: enough to verify it alone."""
    return {"chain": checkpoint.chain, "seq": checkpoint.seq, "hash": checkpoint.hash,
            "created_at": checkpoint.created_at.isoformat(), "public_key": checkpoint.public_key,
            "signature": checkpoint.signature}


def make_checkpoints(session: Session, key: Ed25519PrivateKey) -> list[ChainCheckpoint]:
    """Sign the head of each chain that moved since its last checkpoint; the caller commits.

    The heads are locked first, so records cannot join a chain while its head is signed
    and two workers checkpointing at once make one checkpoint, not two.
    """
    made = []
    for head in _locked_heads(session):
        last = session.execute(select(ChainCheckpoint.seq, ChainCheckpoint.hash)
                               .where(ChainCheckpoint.chain == head.name)
                               .order_by(ChainCheckpoint.id.desc()).limit(1)).first()
        if (last is None and head.seq == 0) or (last is not None and tuple(last) == (head.seq, head.hash)):
            continue  # nothing happened since: no checkpoint spam
        checkpoint = ChainCheckpoint(chain=head.name, seq=head.seq, hash=head.hash, public_key=public_text(key),
                                     signature="", created_at=utcnow())
        checkpoint.signature = base64.b64encode(key.sign(_message(checkpoint))).decode()
        session.add(checkpoint)
        made.append(checkpoint)
    session.flush()
    return made


def _locked_heads(session: Session) -> list:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # SQLite has no row locks: a write that changes nothing takes its database lock now,
        # before anything is read, as the sealing of a hand-over holds it.
        connection.execute(update(ChainHead).where(ChainHead.name == "").values(seq=ChainHead.seq))
    # In name order, as sealing locks them, so the two never wait on each other in a cycle.
    return connection.execute(select(ChainHead.name, ChainHead.seq, ChainHead.hash)
                              .order_by(ChainHead.name).with_for_update()).all()


def latest_checkpoints(session: Session, before=None) -> list[ChainCheckpoint]:
    """Each chain's newest checkpoint (made before `before`, if given), in chain name order."""
    newest = select(func.max(ChainCheckpoint.id)).group_by(ChainCheckpoint.chain)
    if before is not None:
        newest = newest.where(ChainCheckpoint.created_at < before)
    return list(session.execute(select(ChainCheckpoint).where(ChainCheckpoint.id.in_(newest))
                                .order_by(ChainCheckpoint.chain)).scalars())


def append_to_log(path: str | os.PathLike, records: list[dict]) -> None:
    """Append each checkpoint's `record` as one JSON line, on disk before returning (file 0600).

    O_APPEND makes each line one write at the end, whoever else appends; the log is
    only ever added to, so a line once on disk is never rewritten by the app.
    """
    if not records:
        return
    path = Path(path)
    _folder_for(path)
    lines = "".join(json.dumps(each, sort_keys=True) + "\n" for each in records).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # also a log made by hand with a wider mode
        os.write(fd, lines)
        os.fsync(fd)
    finally:
        os.close(fd)


def _folder_for(path: Path) -> None:
    """Make the file's folder owner-only if it is new; an existing one (/etc/courier) is left as it is."""
    if not path.parent.exists():
        private_folder(path.parent)


def _message(checkpoint: ChainCheckpoint) -> bytes:
    return signed_text(checkpoint.chain, checkpoint.seq, checkpoint.hash, checkpoint.created_at.isoformat())


def _signed_by(public: Ed25519PublicKey, signature: str, message: bytes) -> bool:
    try:
        public.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def check_checkpoints(session: Session, trusted_public_key: str) -> list[str]:
    """Problems with the checkpoints: bad signatures, unknown keys, or history that no longer matches."""
    problems = []
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(trusted_public_key))
    for checkpoint in session.execute(select(ChainCheckpoint).order_by(ChainCheckpoint.id)).scalars():
        label = f"checkpoint {checkpoint.id} ({checkpoint.chain} #{checkpoint.seq})"
        if checkpoint.public_key != trusted_public_key:
            problems.append(f"{label}: signed with an unknown key")
        elif not _signed_by(public, checkpoint.signature, _message(checkpoint)):
            problems.append(f"{label}: signature does not match")
        elif (problem := _extends(session, checkpoint.chain, checkpoint.seq, checkpoint.hash)) is not None:
            problems.append(f"{label}: {problem}")
    return problems


def _extends(session: Session, chain: str, seq: int, head_hash: str) -> str | None:
    """Why the chain no longer passes through (seq, hash), or None if it does."""
    if chain not in CHAINS:
        return "a chain this version does not know"
    if not seq:
        return None
    model = CHAINS[chain][0]
    found = session.execute(select(model.hash).where(model.seq == seq)).first()
    if found is None:
        return f"the chain is shorter than #{seq} now"
    if found[0] != head_hash:
        return "history before it was rewritten"
    return None


def check_log(session: Session, path: str | os.PathLike, trusted_public_key: str) -> list[str]:
    """Problems between the checkpoint log and the database.

    Every logged checkpoint must be signed by the trusted key, be in the database
    still, and be extended by its chain. A server with checkpoints in its database
    and no log has lost its witness: that is a problem too.
    """
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    if not any(line.strip() for line in lines):
        count = session.execute(select(func.count()).select_from(ChainCheckpoint)).scalar()
        return [f"checkpoint log {path} is missing or empty, but the database has {count} checkpoints"] \
            if count else []
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(trusted_public_key))
    # Read once: an hourly log holds tens of thousands of lines after a year.
    held = {tuple(row) for row in session.execute(select(ChainCheckpoint.chain, ChainCheckpoint.seq,
                                                         ChainCheckpoint.hash, ChainCheckpoint.signature))}
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            problems += [f"checkpoint log {path}, line {number}: {problem}"
                         for problem in _check_logged(session, public, trusted_public_key, held, line)]
    return problems


def _check_logged(session: Session, public: Ed25519PublicKey, trusted_public_key: str, held: set,
                  line: str) -> list[str]:
    try:
        logged = json.loads(line)
        chain, seq, head_hash = str(logged["chain"]), int(logged["seq"]), str(logged["hash"])
        created_at, signature = str(logged["created_at"]), str(logged["signature"])
    except (ValueError, KeyError, TypeError):
        return ["unreadable"]
    label = f"{chain} #{seq}"
    if logged.get("public_key") != trusted_public_key:
        return [f"{label} signed with an unknown key"]
    if not _signed_by(public, signature, signed_text(chain, seq, head_hash, created_at)):
        return [f"{label} signature does not match"]
    problems = []
    if (chain, seq, head_hash, signature) not in held:
        problems.append(f"{label} of {created_at} is missing from the database")
    if (problem := _extends(session, chain, seq, head_hash)) is not None:
        problems.append(f"{label}: {problem}")
    return problems
