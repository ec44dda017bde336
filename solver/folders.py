"""Output folders that hold several files (``variants --out``, ``grade --out``): checked
before any work; for ``grade``, opened once without following a link, owned by this
user, and written into by name, each file atomically.

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
import stat
from pathlib import Path

from solver import interrupt
from solver.model import BuildError, InputError
from solver.output import check_names, existing_folder, shown, write_all


def check_folder(output: str, option: str = "--out") -> Path:
    """An output folder (created when missing), or an InputError before any work."""
    name = shown(output)
    if not output or "\0" in output:
        raise InputError(f"{option} {name} is not a folder path")
    check_names(option, output)
    folder = Path(output)
    try:
        if os.path.lexists(folder) and not folder.is_dir():
            raise InputError(f"{option} {name} exists and is not a folder; give a folder")
    except OSError as error:
        raise InputError(f"{option} {name}: {error.strerror or error}") from None
    existing_folder(option, name, os.path.join(output, "x"), folder, True)
    return folder


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def open_owned(folder: Path, option: str = "--out") -> int:
    """A descriptor of ``folder``, reached from ``/`` one name at a time (missing folders
    created on the way), or an InputError. A link on the way is followed only when root
    or this user owns it: one planted by another user in a shared folder is refused, and
    so is a last name that is a link or a folder of another user."""
    name = shown(folder)
    parts = [part for part in os.path.abspath(folder).split("/") if part]
    fd = os.open("/", _DIRECTORY)
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o755, dir_fd=fd)
            try:
                step = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError:
                info = os.lstat(part, dir_fd=fd)
                if not stat.S_ISLNK(info.st_mode):
                    raise
                if last:
                    raise InputError(f"{option} {name} is a symbolic link; give a folder") \
                        from None
                if info.st_uid not in (0, os.geteuid()):
                    raise InputError(f"{option} {name} passes through a link of another "
                                     f"user ({part}); give another folder") from None
                step = os.open(part, _DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = step
    except OSError as error:
        os.close(fd)
        raise InputError(f"{option} {name}: {error.strerror or error}") from None
    except BaseException:
        os.close(fd)
        raise
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
        write_all(fd, data)
        os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        if isinstance(error, OSError):
            raise BuildError(f"cannot write {name}: {error.strerror or error}") from None
        raise
    finally:
        os.close(fd)
