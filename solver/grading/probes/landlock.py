"""Landlock (Linux 5.13 and later): this process, and every thread and child it makes,
may then read only the paths it was given, write nowhere, and (ABI 4 and later) make no
TCP connection, (ABI 6 and later) reach no abstract socket and signal no process outside
it. Unprivileged: it needs no namespace, only ``no_new_privs``. Standalone (the standard
library), as the runner's other first steps.
"""

from __future__ import annotations

import ctypes
import os
import struct

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # x86_64 and aarch64 alike
_VERSION = 1  # landlock_create_ruleset flag: ask for the ABI version
_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
# Every file-system right of each ABI version: what the ruleset handles (denies unless a
# rule allows it). ABI 1: execute … make symlink; 2: refer; 3: truncate; 5: ioctl on devices.
_FS_RIGHTS = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1,
              5: (1 << 16) - 1}
_NET_TCP = 0b11  # bind and connect (ABI 4)
_SCOPES = 0b11  # abstract unix sockets and signals (ABI 6)
READ = READ_FILE | READ_DIR | EXECUTE

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _call(number: int, *args: object) -> int:
    result = int(_libc.syscall(number, *args))
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return result


def abi() -> int:
    """The kernel's Landlock ABI version; 0 when it has none or refuses it."""
    try:
        return _call(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_VERSION))
    except OSError:
        return 0


def ruleset(readable: list[str]) -> int:
    """A ruleset that allows reading ``readable`` (files, or folders and all beneath) and
    nothing else, as a descriptor for :func:`enforce`. The paths are opened now, with this
    process's rights (before it gives up root). Raises OSError without Landlock."""
    version = abi()
    if version < 1:
        raise OSError("the kernel offers no Landlock")
    fs = _FS_RIGHTS[min(version, 5)]
    attr = struct.pack("=QQQ", fs, _NET_TCP if version >= 4 else 0,
                       _SCOPES if version >= 6 else 0)
    size = 8 if version < 4 else (16 if version < 6 else 24)
    rules = _call(_CREATE_RULESET, ctypes.c_char_p(attr[:size]), ctypes.c_size_t(size),
                  ctypes.c_uint32(0))
    try:
        for path in readable:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path that is not there allows nothing
            try:
                rights = READ if os.path.isdir(path) else READ_FILE | EXECUTE
                rule = struct.pack("=Qi", rights & fs, fd)
                _call(_ADD_RULE, ctypes.c_int(rules), ctypes.c_int(_PATH_BENEATH),
                      ctypes.c_char_p(rule), ctypes.c_uint32(0))
            finally:
                os.close(fd)
    except BaseException:
        os.close(rules)
        raise
    return rules


def enforce(rules: int) -> None:
    """Restrict this process (all its threads) by ``rules``, for good."""
    try:
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
        _call(_RESTRICT_SELF, ctypes.c_int(rules), ctypes.c_uint32(0))
    finally:
        os.close(rules)
