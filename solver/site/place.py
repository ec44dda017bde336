"""Putting a built practice site in place of ``--out``, and what ``--out`` may be.

The site is written into a new locked temporary folder beside ``--out``
(:func:`solver.output.locked_temporary`, swept like the other commands' temporaries when
a build was killed), then swapped with ``--out`` in one ``renameat2(RENAME_EXCHANGE)``:
at every moment ``--out`` holds the earlier site or the new one, whole. A stop signal waits
while the swap and the removal of the earlier site run (a fraction of a second:
:func:`solver.interrupt.held_back`), so a stop there leaves the new site and nothing else.

``--out`` may be new, an empty folder, or a site an earlier build wrote: its mark
(:data:`MARKER`) lists every file that build wrote, and a folder holding anything else (a
note added since, a mark that is not one, a folder that cannot be read or changed) is
refused untouched, before the build and again just before the swap.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from solver import interrupt
from solver.model import BuildError, InputError
from solver.output import (
    LOCK_NAME,
    MAX_OUTPUT_NAME,
    locked_temporary,
    make_parents,
    remove_empty,
    shown,
    sweep_stale,
)

MARKER = ".solver-site"
_HEADER = "A practice site written by 'solver site'; the next build replaces these files:\n"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def check_destination(folder: Path) -> None:
    """An InputError unless ``folder`` is new, empty or an earlier site, whole."""
    name = shown(folder)
    if ".." in folder.parts:  # the temporary goes beside the last name: it must be --out's
        raise InputError(f"--out {name} has a '..' in it; give the folder's own path")
    if len(os.fsencode(folder.name)) > MAX_OUTPUT_NAME:
        raise InputError(f"--out {name}: the name is too long to write a temporary folder "
                         f"beside it; at most {MAX_OUTPUT_NAME} bytes")
    try:
        here = Path.cwd().resolve()
    except OSError:
        here = None
    if not os.path.lexists(folder):
        return
    if folder.is_symlink() or not folder.is_dir():
        raise InputError(f"--out {name} is not a folder; give a new or empty folder")
    if os.path.ismount(folder):
        raise InputError(f"--out {name} is a mount point; give a folder inside it")
    if here is not None and here.is_relative_to(folder.resolve()):
        raise InputError(f"--out {name} holds the current folder; give another folder")
    try:
        foreign = _foreign(folder)
    except OSError as error:
        raise InputError(f"--out {name}: cannot read {shown(error.filename or folder)} "
                         f"({error.strerror or error}); a site is replaced as a whole"
                         ) from None
    if foreign:
        raise InputError(f"--out {name} holds {shown(foreign)}, which is not a file of a "
                         "practice site; give a new or empty folder (a site is replaced "
                         "as a whole)")


# A mark is read up to this size: a site of 100 variants of 30 questions lists some 7,000
# names in about 250 KB; a larger file is no site's mark (and is not read whole).
MAX_MARK_BYTES = 4_000_000


def _listed(folder: Path) -> set[str] | None:
    """The names the mark lists; None when the mark is not one (not a regular file, over
    the bound, not a mark's text). A pipe or a device there is not waited on."""
    try:
        fd = os.open(folder / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, MAX_MARK_BYTES + 1)
        text = data.decode("utf-8") if len(data) <= MAX_MARK_BYTES else ""
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)
    if not text.startswith(_HEADER):
        return None
    return set(text[len(_HEADER):].splitlines())


def _foreign(folder: Path) -> str:
    """The first entry of ``folder`` that is not the site's ("" if none): one its mark does
    not list, a link, the mark itself when it is not one, or a folder that cannot be
    changed (the earlier site could not be removed). OSError: a folder cannot be read."""
    names = os.listdir(folder)
    listed = _listed(folder) if MARKER in names else set()
    if listed is None:
        return MARKER
    listed |= {MARKER}
    folders = {str(parent) for name in listed for parent in Path(name).parents} - {"."}

    def unreadable(error: OSError) -> None:
        raise error

    for root, subfolders, files in os.walk(folder, onerror=unreadable):
        if not os.access(root, os.W_OK | os.X_OK):
            return os.path.relpath(root, folder)
        for entry, known in [*((e, folders) for e in sorted(subfolders)),
                             *((e, listed) for e in sorted(files))]:
            relative = os.path.relpath(os.path.join(root, entry), folder)
            if os.path.islink(os.path.join(root, entry)) or relative not in known:
                return relative
    return ""


def marker(names: Iterable[str]) -> bytes:
    """The mark of a site that holds ``names``."""
    return (_HEADER + "".join(f"{name}\n" for name in sorted(names))).encode("utf-8")


@contextlib.contextmanager
def _temporary(folder: Path) -> Iterator[Path]:
    """A new locked temporary folder beside ``folder``, removed unless it was used."""
    created = make_parents(folder / "x") if not os.path.lexists(folder) else []
    try:
        fd, temporary = locked_temporary(folder, directory=True)
    except OSError as error:
        remove_empty(created)
        raise BuildError(f"cannot write beside {shown(folder)}: "
                         f"{error.strerror or error}") from None
    try:
        yield temporary
    except BaseException:
        remove_empty(created)
        raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        os.close(fd)


def write_site(folder: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write ``files`` (relative path, bytes) and the mark listing them, then put them in
    ``folder``'s place; return how many files. On failure ``folder`` is as it was."""
    sweep_stale(folder)
    names: list[str] = []
    with _temporary(folder) as temporary:
        for name, data in files:
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            names.append(name)
        (temporary / MARKER).write_bytes(marker(names))
        interrupt.check()
        os.chmod(temporary, 0o755)
        with interrupt.held_back():
            if os.path.lexists(folder):
                check_destination(folder)  # nothing was added while the site was built
                _exchange(temporary, folder)  # the temporary now holds the earlier site
                # The held lock goes with the earlier site: if this process dies while
                # removing it, the next build sweeps it at once.
                os.rename(folder / LOCK_NAME, temporary / LOCK_NAME)
            else:
                os.rename(temporary, folder)
                (folder / LOCK_NAME).unlink()
            shutil.rmtree(temporary, ignore_errors=True)
        if os.path.lexists(temporary):
            print(f"solver: note: the earlier site's files could not all be removed: "
                  f"{shown(temporary)}", file=sys.stderr)
    return len(names) + 1


def _exchange(first: Path, second: Path) -> None:
    """Swap two folders in one step (Linux's renameat2); where the call or the file
    system lacks it, two renames (a stop signal waits for them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    call = getattr(libc, "renameat2", None)
    if call is not None:
        done = call(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                    _RENAME_EXCHANGE)
        if done == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise BuildError(f"cannot replace {shown(second)}: {os.strerror(code)}")
    aside = first.with_name(first.name + "2")
    os.rename(second, aside)
    os.rename(first, second)
    os.rename(aside, first)
