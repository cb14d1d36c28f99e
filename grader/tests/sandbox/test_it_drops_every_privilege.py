"""Privilege attacks: capabilities, uid 0, setuid binaries, devices, kernel interfaces."""

import pytest


def test_it_runs_without_capabilities_or_new_privileges(attack):
    r = attack(
        "st = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines() if ':\\t' in l)\n"
        "x = {k: st[k].strip() for k in ('Uid', 'CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp')}"
    )
    assert r.ok, r
    v = r.value
    for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(v[k], 16) == 0, (k, v)
    assert v["NoNewPrivs"] == "1" and v["Seccomp"] == "2"
    assert all(int(u) >= 1_000_000 for u in v["Uid"].split())


def test_it_refuses_becoming_root(attack):
    r = attack(
        "x = [attempt(os.setuid, 0), attempt(os.setgid, 0), attempt(os.setgroups, [0]), attempt(os.seteuid, 0)]"
    )
    assert r.ok, r
    assert all(v.startswith("BLOCKED:") for v in r.value), r.value


def test_it_ignores_setuid_binaries(attack):
    r = attack(
        "import subprocess, stat\n"
        "suid = [p for d in ('/usr/bin', '/usr/sbin') for p in (os.path.join(d, n) for n in os.listdir(d))"
        " if os.path.isfile(p) and os.stat(p).st_mode & stat.S_ISUID]\n"
        "out = attempt(lambda: subprocess.run(['/usr/bin/mount', '-t', 'tmpfs', 'none', '/tmp'],"
        " capture_output=True))\n"
        "st = os.statvfs('/usr')\n"
        "x = [len(suid), out, bool(st.f_flag & os.ST_NOSUID), bool(st.f_flag & os.ST_RDONLY)]"
    )
    assert r.ok, r
    n_suid, mount_out, nosuid, rdonly = r.value
    assert nosuid and rdonly
    assert "returncode=0" not in mount_out, mount_out


@pytest.mark.parametrize(
    "device",
    ["/dev/mem", "/dev/kmem", "/dev/sda", "/dev/vda", "/dev/kmsg", "/dev/port", "/dev/tty"],
)
def test_it_offers_no_raw_devices(attack, device):
    r = attack(f"x = attempt(open, {device!r}, 'rb')")
    assert r.ok and r.value.startswith("BLOCKED:"), r


def test_it_refuses_creating_device_nodes(attack):
    r = attack(
        "import stat\nx = attempt(os.mknod, '/tmp/disk', stat.S_IFBLK | 0o600, os.makedev(254, 0))"
    )
    assert r.ok and r.value.startswith("BLOCKED:"), r


SYSCALLS = {
    "mount": "syscall_errno(165, 0, 0, 0, 0, 0)",
    "unshare a user namespace": "syscall_errno(272, 0x10000000)",
    "unshare a network namespace": "syscall_errno(272, 0x40000000)",
    "setns": "syscall_errno(308, 0, 0)",
    "pivot_root": "syscall_errno(155, 0, 0)",
    "keyctl": "syscall_errno(250, 0, 0, 0, 0, 0)",
    "bpf": "syscall_errno(321, 0, 0, 0)",
    "perf_event_open": "syscall_errno(298, 0, 0, 0, 0, 0)",
    "userfaultfd": "syscall_errno(323, 0)",
    "io_uring_setup": "syscall_errno(425, 1, 0)",
    "kexec_load": "syscall_errno(246, 0, 0, 0, 0)",
    "reboot": "syscall_errno(169, 0, 0, 0, 0)",
    "init_module": "syscall_errno(175, 0, 0, 0)",
    "clone into a new pid namespace": "syscall_errno(56, 0x20000000 | 17, 0, 0, 0, 0)",
}


@pytest.mark.parametrize("name", sorted(SYSCALLS))
def test_it_refuses_dangerous_syscalls(attack, name):
    r = attack(f"x = {SYSCALLS[name]}")
    assert r.ok and r.value.startswith("BLOCKED"), (name, r)


def test_it_refuses_writing_kernel_settings(attack):
    r = attack(
        "x = [attempt(lambda p=p: open(p, 'w').write('1')) for p in "
        "('/proc/sys/kernel/hostname', '/proc/sysrq-trigger', '/proc/sys/vm/drop_caches', '/proc/self/uid_map')]"
    )
    assert r.ok, r
    assert all(v.startswith("BLOCKED:") for v in r.value), r.value


def test_it_filters_every_denied_syscall_with_eperm(attack):
    """Each syscall on the seccomp deny list fails with EPERM (arguments all zero, so
    nothing could happen even without the filter; some, such as get_mempolicy or
    socket, would succeed or fail differently if the filter let them through)."""
    from grader.sandbox import seccomp

    calls = ", ".join(
        f"({name!r}, syscall_errno({nr}, 0, 0, 0, 0, 0, 0))" for name, nr in seccomp.DENIED.items()
    )
    r = attack(f"x = dict([{calls}])")
    assert r.ok, r
    wrong = {name: got for name, got in r.value.items() if got != "BLOCKED:Operation not permitted"}
    assert wrong == {}
