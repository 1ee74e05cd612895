"""Files that hold personal data are the service account's alone: folders 0700, files 0600.

The SQLite database (and its WAL and SHM, which SQLite creates with the database's own
mode), the queue's SQLite file and backups carry citizens' names, phones and addresses.
A default umask would leave them readable by every account on the machine.
"""
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike) -> Path:
    """Make `path` (and missing parents) and narrow it to its owner."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: str | os.PathLike) -> Path:
    """Create `path` empty if missing, owner-only either way; SQLite's -wal and -shm beside it too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if each.exists():
            os.chmod(each, FILE_MODE)
    return path


def sqlite_path(uri: str) -> Path | None:
    """The file of a SQLite URL (sqlite:///relative or sqlite:////absolute); None in memory or elsewhere."""
    if not uri.startswith("sqlite:///"):
        return None
    name = uri[len("sqlite:///"):].split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None
