"""The output files: their paths checked before any work, temporaries beside them that hold
a lock while a build runs, sweeping those of killed builds, and atomic writes.

- An output path is checked before any work: a file name a temporary can stand beside
  (NAME_MAX, PATH_MAX), writable folders, and a target that can be replaced (not another
  user's file in a sticky folder, not chattr +i/+a).
- A file is written to ``.NAME.XXXXXXXX.tmp`` beside its target and renamed onto it only
  when complete, so a failed build keeps the previous file. Each temporary holds an
  ``flock`` while its build runs; one left by a killed build (the lock is gone with its
  process) is swept by the next build of the same output.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from solver import interrupt
from solver.model import BuildError, InputError

# Temporaries beside the output are named ".NAME.XXXXXXXX.tmp" (mkstemp's 8 random
# characters), and a file name may have at most NAME_MAX bytes.
NAME_MAX = 255
PATH_MAX = 4096
TEMP_PREFIX_SUFFIX = 2 + 8 + len(".tmp")
MAX_OUTPUT_NAME = NAME_MAX - TEMP_PREFIX_SUFFIX  # 241 bytes
_RANDOM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
LOCK_NAME = "lock"
# A workspace folder without its lock file is one whose build was killed between creating
# the folder and locking it (microseconds); after this long it is certainly abandoned.
UNLOCKED_GRACE_SECONDS = 600

_FS_IOC_GETFLAGS = 0x80086601  # Linux: read a file's inode flags (chattr)
_FS_IMMUTABLE_FL = 0x00000010
_FS_APPEND_FL = 0x00000020


def shown(path: str | Path) -> str:
    """A path for an error message: repr (newlines and escape codes stay visible), and
    its middle elided when it is very long."""
    text = str(path)
    if len(text) > 300:
        text = text[:140] + "..." + text[-140:]
    return repr(text)


# --- the output path ---------------------------------------------------------------------


def _flags(path: Path) -> int:
    """The target's chattr flags (0 if it is missing, a symlink, or flags are unknown)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return 0
    try:
        buffer = bytearray(8)
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, buffer, True)
        return int.from_bytes(buffer[:4], sys.byteorder)
    except OSError:
        return 0
    finally:
        os.close(fd)


def _check_replaceable(path: Path, name: str, parent: Path) -> None:
    """In a sticky folder (/tmp), another user's file cannot be replaced: say so now."""
    try:
        target = os.lstat(path)
        folder = os.stat(parent)
    except OSError:
        return
    me = os.geteuid()
    if folder.st_mode & stat.S_ISVTX and me not in (0, target.st_uid, folder.st_uid):
        raise InputError(
            f"--output {name} belongs to another user in a shared (sticky) folder, so it "
            "cannot be replaced; give another path"
        )


def check_names(option: str, output: str, last: bool = True) -> None:
    """No control character (a newline would split every line that names the path) and
    no name longer than the file system allows, in any part of an output path (but the
    last unless ``last``: a file's name has a bound of its own)."""
    name = shown(output)
    if any(ord(c) < 32 or ord(c) == 127 for c in output):
        raise InputError(f"{option} {name}: a control character (a newline, a tab) in a "
                         "path is not allowed; give another path")
    path = Path(output)
    for part in path.parts if last else path.parent.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise InputError(f"{option} {name}: the name {shown(part)} is longer than "
                             f"{NAME_MAX} bytes, the most a file system allows")


def check_output(output: str, option: str = "--output", suffix: str = ".pdf",
                 new_folders: bool = True) -> Path:
    """The output file ``option`` names, or an InputError before any work if it cannot be
    written; missing folders are allowed when ``new_folders`` (:func:`make_parents`)."""
    name = shown(output)
    if not output or "\0" in output:
        raise InputError(f"{option} {name} is not a file path; give a path ending in {suffix}")
    check_names(option, output, last=False)
    path = Path(output)
    try:
        is_dir = path.is_dir()
    except OSError:  # a name too long to look up: reported below
        is_dir = False
    if is_dir:
        raise InputError(f"{option} {name} is a directory; give a file path ending in {suffix}")
    if path.suffix.lower() != suffix:
        raise InputError(f"{option} {name} must end in {suffix}")
    size = len(os.fsencode(path.name))
    if size > MAX_OUTPUT_NAME:
        raise InputError(
            f"{option} {name}: the file name is {size} bytes long; at most "
            f"{MAX_OUTPUT_NAME} bytes are allowed (a temporary file is written beside it)"
        )
    parent = existing_folder(option, name, output, path.parent, new_folders)
    _check_replaceable(path, name, parent)
    if _flags(path) & (_FS_IMMUTABLE_FL | _FS_APPEND_FL):
        raise InputError(
            f"{option} {name} is immutable or append-only (chattr +i/+a), so it cannot be "
            "replaced; give another path or clear the flag"
        )
    return path


def existing_folder(option: str, name: str, output: str, parent: Path,
                     new_folders: bool) -> Path:
    """The deepest folder of ``parent`` that exists, checked writable, with room for a
    temporary's path beside ``output``."""
    try:
        full = len(os.fsencode(os.path.abspath(output)))
        if full + TEMP_PREFIX_SUFFIX >= PATH_MAX:
            raise InputError(
                f"{option} {name}: the full path is {full} bytes long; at most "
                f"{PATH_MAX - TEMP_PREFIX_SUFFIX - 1} bytes are allowed"
            )
        if not new_folders and not parent.is_dir():
            raise InputError(f"{option} {name}: the folder {shown(parent)} does not exist")
        while not os.path.lexists(parent):
            parent = parent.parent
        is_folder = parent.is_dir()
    except OSError as error:
        raise InputError(f"{option} {name}: {error.strerror or error}") from None
    if not is_folder:
        raise InputError(f"{option} {name}: {shown(parent)} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{option} {name}: cannot write in {shown(parent)}")
    return parent


def make_parents(path: Path) -> list[Path]:
    """Create the output's missing folders; return them, deepest first, for rollback."""
    missing = []
    parent = path.parent
    while not os.path.lexists(parent):
        missing.append(parent)
        parent = parent.parent
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create {shown(path.parent)}: {error.strerror or error}") from None
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Undo :func:`make_parents` after a failed build (only folders still empty)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


# --- temporaries beside the output, and sweeping those of killed builds -------------------


def _temporary_name(path: Path, name: str) -> bool:
    prefix = f".{path.name}."
    if not (name.startswith(prefix) and name.endswith(".tmp")):
        return False
    middle = name[len(prefix):-len(".tmp")]
    return len(middle) == 8 and set(middle) <= _RANDOM_CHARS


def _abandoned(lock: Path) -> bool:
    """True if nobody holds the flock on ``lock`` (its build is over or was killed)."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:  # BlockingIOError: a running build holds it
        return False
    finally:
        os.close(fd)


def sweep_stale(path: Path) -> list[str]:
    """Remove this output's temporaries left by killed builds; return their names.

    Only entries named like our temporaries, owned by this user and not locked by a
    running build are removed; a concurrent build of the same output is left alone.
    """
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    swept = []
    for name in sorted(names):
        if not _temporary_name(path, name):
            continue
        entry = path.parent / name
        try:
            info = os.lstat(entry)
        except OSError:
            continue
        if info.st_uid != os.geteuid():
            continue
        if stat.S_ISREG(info.st_mode):
            if _abandoned(entry):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    swept.append(name)
        elif stat.S_ISDIR(info.st_mode):
            lock = entry / LOCK_NAME
            if os.path.lexists(lock):
                stale = _abandoned(lock)
            else:
                stale = time.time() - info.st_mtime > UNLOCKED_GRACE_SECONDS
            if stale:
                shutil.rmtree(entry, ignore_errors=True)
                if not os.path.lexists(entry):
                    swept.append(name)
    return swept


def locked_temporary(path: Path, directory: bool) -> tuple[int, Path]:
    """A new temporary beside ``path`` and an fd holding its flock (retried if swept)."""
    for _ in range(5):
        if directory:
            folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
            target = folder / LOCK_NAME
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                fd = os.open(target, flags, 0o600)
            except FileNotFoundError:  # swept in between: try another name
                continue
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            temporary = folder
        else:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            target = temporary = Path(name)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.lstat(target).st_ino:
                return fd, temporary
        except OSError:  # a sweeper holds it, or removed it: it deletes it, we retry
            pass
        os.close(fd)
    raise BuildError(f"could not create a temporary file beside {shown(path)}")


def write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    """All of ``data`` (bytes, or pieces as they are made) to ``fd`` (a write may take
    part of it), then to the disk."""
    for piece in [data] if isinstance(data, bytes) else data:
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view):]
    os.fsync(fd)


def write_atomically(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write beside the target, then rename: a failed build never leaves half a PDF.
    ``data`` may be pieces made while it is written (a bank of 1000 variants): a piece
    that fails leaves no file, as a stop signal does."""
    interrupt.check()  # a stopped build writes nothing
    try:
        fd, temporary = locked_temporary(path, directory=False)
    except OSError as error:
        raise BuildError(f"cannot write beside {shown(path)}: {error.strerror or error}") from None
    try:
        write_all(fd, data)
        interrupt.check()
        os.fchmod(fd, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise BuildError(f"cannot write {shown(path)}: {error.strerror or error}") from None
        raise
    finally:
        os.close(fd)


__all__ = [
    "LOCK_NAME", "MAX_OUTPUT_NAME", "check_names", "check_output", "existing_folder",
    "locked_temporary", "make_parents", "remove_empty", "shown", "sweep_stale", "write_all",
    "write_atomically",
]
