"""Media storage by content hash, confined to one directory.

Proof media are named by their SHA-256, so the same bytes are stored once,
a name says what the content must be, and a replayed upload is harmless.
Every path is resolved and checked to stay under the root, so no name from
outside can reach another file. A second backend (object storage) would
implement the same three methods.
"""
import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class StorageError(Exception):
    """Raised for a bad media name or content that does not match its name."""


class MediaStore:
    """A content-addressed file store under `root` (MEDIA_DIR)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(os.path.realpath(root))

    def put(self, content: bytes) -> str:
        """Store bytes and return their SHA-256; atomic, and a no-op if already stored."""
        digest = hashlib.sha256(content).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        # Write then rename, so a crash never leaves a half-written file under its hash.
        try:
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        except FileNotFoundError:  # the first file of its fan-out folder (checked only then: a syscall)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        """Return the stored bytes; raises FileNotFoundError or StorageError."""
        return self.path_for(digest).read_bytes()

    def exists(self, digest: str) -> bool:
        """True if content with this hash is stored."""
        return self.path_for(digest).exists()

    def verify(self, digest: str) -> bool:
        """True if the stored file still hashes to its name (it was not altered)."""
        try:
            return hashlib.sha256(self.get(digest)).hexdigest() == digest
        except FileNotFoundError:
            return False

    def path_for(self, digest: str) -> Path:
        """The file path for a hash, fanned out in two levels; checked to stay under root."""
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise StorageError("media names are SHA-256 hex digests")
        path = Path(os.path.realpath(self.root / digest[:2] / digest[2:4] / digest))
        if os.path.commonpath([path, self.root]) != str(self.root):
            raise StorageError("media path escapes the media directory")
        return path
