"""The media store: content-addressed and confined to its directory."""
import hashlib

import pytest

from courier.domain.storage import MediaStore, StorageError


def test_put_returns_the_sha256_and_get_returns_the_bytes(tmp_path):
    store = MediaStore(tmp_path)
    digest = store.put(b"signature bytes")
    assert digest == hashlib.sha256(b"signature bytes").hexdigest()
    assert store.get(digest) == b"signature bytes"
    assert store.put(b"signature bytes") == digest  # stored once
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_verify_notices_a_changed_byte(tmp_path):
    store = MediaStore(tmp_path)
    digest = store.put(b"photo")
    assert store.verify(digest)
    store.path_for(digest).write_bytes(b"phot0")
    assert not store.verify(digest)
    assert not store.verify("0" * 64)


@pytest.mark.parametrize("name", ["../../etc/passwd", "a" * 63, "A" * 64, "/" + "a" * 63, "", None])
def test_names_that_are_not_digests_are_refused(tmp_path, name):
    with pytest.raises(StorageError):
        MediaStore(tmp_path).path_for(name)


def test_a_symlink_out_of_the_store_is_refused(tmp_path):
    root, outside = tmp_path / "media", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    digest = "ab" + "c" * 62
    (root / "ab").symlink_to(outside)
    with pytest.raises(StorageError):
        MediaStore(root).path_for(digest)
