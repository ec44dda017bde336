"""Output folders that hold several files (``grade --out``): opened once, without following
a link, owned by this user, and written into by name, each file atomically.

Another local user who controls where the folder lies (a shared ``/tmp``) can plant
neither a link in place of the folder nor a link in place of a file in it: the folder is
opened with ``O_NOFOLLOW`` and refused unless this user owns it, and each file is a new
temporary (``O_EXCL|O_NOFOLLOW``) renamed onto its name, which replaces whatever stood
there without following it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from solver import interrupt
from solver.model import BuildError, InputError
from solver.output import shown


def open_owned(folder: Path, option: str = "--out") -> int:
    """A descriptor of ``folder`` (created with its missing parents), or an InputError."""
    name = shown(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o755)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        if os.path.islink(folder):
            raise InputError(f"{option} {name} is a symbolic link; give a folder") from None
        raise InputError(f"{option} {name}: {error.strerror or error}") from None
    if os.fstat(fd).st_uid != os.geteuid():
        os.close(fd)
        raise InputError(f"{option} {name} belongs to another user; give a folder of yours")
    return fd


def write_into(folder: int, name: str, data: bytes) -> None:
    """Write ``name`` in the open folder ``folder``: a new temporary, then a rename."""
    interrupt.check()
    temporary = f".{name}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(temporary, flags, 0o644, dir_fd=folder)
    except OSError as error:
        raise BuildError(f"cannot write {name}: {error.strerror or error}") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        if isinstance(error, OSError):
            raise BuildError(f"cannot write {name}: {error.strerror or error}") from None
        raise
    finally:
        os.close(fd)
