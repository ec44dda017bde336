"""A seccomp filter for the sandboxed runner: no new processes, no exec, no sockets, no
signals to other processes, no ptrace, namespaces, mounts, modules, bpf or io_uring; no
System V or POSIX IPC and no memfd (memory outside the address-space limit that would
outlive the run); no change to a file's mode, owner, times or extended attributes (what
Landlock does not cover); no prctl that clears or changes the death signal (SIGKILL) or
makes a subreaper;
limits, priorities and affinities of this process only.

Standalone (stdlib only): copied into the sandbox next to the runner and installed by the
runner itself before any student code runs. Linux x86-64 only; elsewhere ``install``
returns a reason and the other sandbox layers (limits, bwrap) remain.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct

_AUDIT_ARCH_X86_64 = 0xC000003E
_ALLOW, _KILL = 0x7FFF0000, 0x80000000
_EPERM, _ENOSYS = 0x00050000 | 1, 0x00050000 | 38
_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_CLONE_THREAD = 0x00010000
_CLONE, _CLONE3, _KILL_NR, _TGKILL = 56, 435, 62, 234

# Refused outright with EPERM: fork, vfork, execve, execveat, socket, connect,
# socketpair, ptrace, tkill, sigqueueinfo, process_vm_*, pidfd_*, unshare, setns,
# mount and the new mount API, pivot_root, chroot, reboot, modules, kexec, bpf,
# perf_event_open, userfaultfd, keyrings, io_uring, *_handle_at; System V shm, sem and
# msg, POSIX mq, memfd_create; chmod, chown, utime and xattr families; ioprio_set,
# inotify and fanotify.
_DENIED = (
    57, 58, 59, 322, 41, 42, 53, 101, 200, 129, 297, 310, 311, 424, 434, 438, 272, 308,
    165, 166, 428, 429, 430, 431, 432, 433, 442, 155, 161, 169, 175, 176, 313, 246, 320,
    321, 298, 323, 248, 249, 250, 425, 426, 427, 303, 304,
    29, 30, 31, 64, 65, 66, 67, 68, 69, 70, 71, 220, 240, 241, 242, 243, 244, 245, 319,
    90, 91, 268, 452, 92, 93, 94, 260, 132, 235, 261, 280,
    188, 189, 190, 197, 198, 199, 463, 466,
    251, 253, 254, 294, 300, 301,
)
_PRCTL, _PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER, _SIGKILL = 157, 1, 36, 9
# On this process only (pid argument 0 or its own pid): prlimit64, setpriority (its
# second argument), sched_setaffinity, sched_setparam, sched_setscheduler, sched_setattr.
_SELF_ONLY = {302: 16, 141: 24, 203: 16, 142: 16, 144: 16, 314: 16}


def _program(pid: int) -> bytes:
    """The BPF program; jumps are resolved from symbolic labels."""
    code: list[tuple[int, object, object, int]] = []  # (op, jt, jf, k)
    labels: dict[str, int] = {}

    def op(opcode: int, k: int, jt: object = 0, jf: object = 0) -> None:
        code.append((opcode, jt, jf, k))

    op(_LD, 4)                                   # arch
    op(_JEQ, _AUDIT_ARCH_X86_64, 0, "kill")
    op(_LD, 0)                                   # syscall number
    op(_JGE, 0x40000000, "deny", 0)              # the x32 ABI
    for number in _DENIED:
        op(_JEQ, number, "deny", 0)
    op(_JEQ, _CLONE3, "enosys", 0)               # glibc falls back to clone
    op(_JEQ, _CLONE, "clone", 0)
    op(_JEQ, _KILL_NR, "kill_nr", 0)
    op(_JEQ, _TGKILL, "tgkill", 0)
    op(_JEQ, _PRCTL, "prctl", 0)
    for number, offset in _SELF_ONLY.items():
        op(_JEQ, number, f"self{offset}", 0)
    op(_RET, _ALLOW)
    labels["prctl"] = len(code)
    op(_LD, 16)                                  # the option
    op(_JEQ, _PR_SET_PDEATHSIG, "pdeathsig", 0)
    op(_JEQ, _PR_SET_CHILD_SUBREAPER, "deny", "allow")
    # The runner sets SIGKILL as its death signal after it changes user (which clears
    # it); the student's code may set it again, never clear or soften it.
    labels["pdeathsig"] = len(code)
    op(_LD, 24)                                  # the signal: args[1]'s low word
    op(_JEQ, _SIGKILL, 0, "deny")
    op(_LD, 28)                                  # and its high word
    op(_JEQ, 0, "allow", "deny")
    for offset in sorted(set(_SELF_ONLY.values())):
        labels[f"self{offset}"] = len(code)
        op(_LD, offset)                          # the pid argument's low word
        op(_JEQ, 0, "allow", 0)
        op(_JEQ, pid, "allow", "deny")
    labels["clone"] = len(code)
    op(_LD, 16)                                  # low word of args[0]: the flags
    op(_JSET, _CLONE_THREAD, "allow", "deny")    # threads only
    labels["kill_nr"] = len(code)
    op(_LD, 16)
    op(_JEQ, pid, "allow", 0)
    op(_JEQ, 0, "allow", "deny")                 # its own process group
    labels["tgkill"] = len(code)
    op(_LD, 16)
    op(_JEQ, pid, "allow", "deny")
    for name, value in (("allow", _ALLOW), ("deny", _EPERM), ("enosys", _ENOSYS),
                        ("kill", _KILL)):
        labels[name] = len(code)
        op(_RET, value)
    out = bytearray()
    for index, (opcode, jt, jf, k) in enumerate(code):
        jumps = [labels[j] - index - 1 if isinstance(j, str) else int(str(j)) for j in (jt, jf)]
        if not all(0 <= jump < 256 for jump in jumps):
            raise ValueError("seccomp jump out of range")
        out += struct.pack("=HBBI", opcode, jumps[0], jumps[1], k)
    return bytes(out)


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def install() -> str:
    """Install the filter for this process and every thread it starts; '' on success,
    else the reason it could not be installed."""
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        return f"seccomp filter not available on {platform.system()} {platform.machine()}"
    program = _program(os.getpid())
    libc = ctypes.CDLL(None, use_errno=True)
    fprog = _Program(len(program) // 8, program)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
        return f"prctl(NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}"
    if libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(fprog), 0, 0) != 0:
        return f"prctl(SECCOMP) failed: errno {ctypes.get_errno()}"
    return ""
