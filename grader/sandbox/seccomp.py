"""A hand-written seccomp-BPF filter for sandbox children (x86-64).

The filter is a deny list: the syscalls below fail with EPERM (clone3 with
ENOSYS, so that libc falls back to clone, whose flags we can inspect), every
other syscall is allowed. A foreign architecture or an x32 syscall kills the
process. It is installed after the child has dropped to an unprivileged uid and
set no_new_privs, so most of these would fail anyway; the filter is the second
wall for kernel attack surface (keyctl, bpf, io_uring, perf, userfaultfd...) and
for the calls that could reach outside the sandbox (socket, ptrace,
process_vm_*, namespace changes).
"""

from __future__ import annotations

import errno
import struct
from functools import lru_cache

from grader.sandbox import _sys

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000

SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

# offsets in struct seccomp_data
_NR = 0
_ARCH = 4
_ARG0 = 16

SYS_CLONE = 56
SYS_CLONE3 = 435

# name -> x86-64 syscall number
DENIED: dict[str, int] = {
    "socket": 41,  # no new sockets at all: no TCP/UDP/Unix/netlink, not even in the empty netns
    "ptrace": 101,
    "syslog": 103,
    "uselib": 134,
    "vhangup": 153,
    "pivot_root": 155,
    "_sysctl": 156,
    "adjtimex": 159,
    "chroot": 161,
    "acct": 163,
    "settimeofday": 164,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "create_module": 174,
    "init_module": 175,
    "delete_module": 176,
    "get_kernel_syms": 177,
    "query_module": 178,
    "quotactl": 179,
    "nfsservctl": 180,
    "lookup_dcookie": 212,
    "vserver": 236,
    # NUMA memory policy: cross-process page moves and policy are kernel attack
    # surface that no student program needs (container runtimes deny them too).
    "mbind": 237,
    "set_mempolicy": 238,
    "get_mempolicy": 239,
    "migrate_pages": 256,
    "clock_settime": 227,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "move_pages": 279,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "clock_adjtime": 305,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "mount_setattr": 442,
    "quotactl_fd": 443,
}


def _ins(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


@lru_cache(maxsize=1)
def build_program() -> bytes:
    """Return the filter as raw ``struct sock_filter`` instructions."""
    eperm = SECCOMP_RET_ERRNO | errno.EPERM
    prog = [
        _ins(_LD_W_ABS, 0, 0, _ARCH),
        _ins(_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _ins(_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        _ins(_LD_W_ABS, 0, 0, _NR),
        _ins(_JGE_K, 0, 1, X32_SYSCALL_BIT),
        _ins(_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        # clone3 passes its flags in memory that BPF cannot read: make libc use clone.
        _ins(_JEQ_K, 0, 1, SYS_CLONE3),
        _ins(_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
    ]
    for nr in sorted(DENIED.values()):
        prog.append(_ins(_JEQ_K, 0, 1, nr))
        prog.append(_ins(_RET_K, 0, 0, eperm))
    # clone: allowed for fork and threads, refused when it asks for a new namespace.
    prog += [
        _ins(_JEQ_K, 0, 3, SYS_CLONE),
        _ins(_LD_W_ABS, 0, 0, _ARG0),
        _ins(_JSET_K, 0, 1, _sys.NAMESPACE_FLAGS),
        _ins(_RET_K, 0, 0, eperm),
        _ins(_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return b"".join(prog)


def install() -> None:
    """Install the filter in the calling thread (no_new_privs must be set)."""
    _sys.install_seccomp(build_program())
