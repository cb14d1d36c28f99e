"""Network attacks: the broker, the database, any TCP, UDP or Unix socket."""

import pytest

CONNECT = {
    "redis broker on loopback": "socket.create_connection(('127.0.0.1', 6379), timeout=1)",
    "postgresql on loopback": "socket.create_connection(('127.0.0.1', 5432), timeout=1)",
    "ipv6 loopback": "socket.create_connection(('::1', 6379), timeout=1)",
    "the outside world": "socket.create_connection(('1.1.1.1', 443), timeout=1)",
    "postgresql unix socket": (
        "(lambda s: s.connect('/var/run/postgresql/.s.PGSQL.5432'))(socket.socket(socket.AF_UNIX))"
    ),
    "udp datagram": "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 53))",
    "abstract unix socket": "socket.socket(socket.AF_UNIX).bind('\\0grader-TOKEN')",
    "raw socket": "socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
    "netlink socket": "socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)",
    "listening server": "socket.create_server(('0.0.0.0', 8765))",
}


@pytest.mark.parametrize("what", sorted(CONNECT))
def test_it_refuses_every_socket(attack, what):
    r = attack(f"x = attempt(lambda: {CONNECT[what]})")
    assert r.ok, r
    assert r.value.startswith("BLOCKED:"), r.value


def test_it_leaves_the_run_without_any_usable_interface(attack):
    r = attack(
        "x = open('/proc/net/dev').read().split('\\n')[2:]; x = [l.split(':')[0].strip() for l in x if l.strip()]"
    )
    assert r.ok, r
    assert r.value == ["lo"]  # the namespace's own loopback, which is down


def test_it_allows_a_private_socketpair_that_reaches_nothing(attack):
    # multiprocessing-style pipes inside the run are harmless and stay allowed.
    r = attack("a, b = socket.socketpair(); a.send(b'ping'); x = b.recv(4).decode()")
    assert r.ok and r.value == "ping", r
