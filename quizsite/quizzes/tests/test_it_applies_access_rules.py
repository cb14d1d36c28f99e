"""Access rules as pure functions, at their boundaries: the access code, the allowed
networks (CIDR, validated), the client's address behind trusted proxies, one device."""

from __future__ import annotations

import pytest

from quizsite import clientip
from quizsite.quizzes import access_rules, messages
from quizsite.quizzes.access_rules import Rules, parse_networks

ROOM = parse_networks("192.0.2.0/24\n2001:db8:10::/48")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("192.0.2.0", None),  # the first address of the range
        ("192.0.2.255", None),  # the last
        ("192.0.1.255", "network"),  # one below
        ("192.0.3.0", "network"),  # one above
        ("2001:db8:10:ffff:ffff:ffff:ffff:ffff", None),
        ("2001:db8:11::", "network"),
        ("::ffff:192.0.2.7", "network"),  # an IPv4-mapped address is not the IPv4 range
        (None, "unknown_address"),
    ],
)
def test_it_allows_only_addresses_in_the_networks(address, expected) -> None:
    assert access_rules.refusal(Rules(networks=ROOM), code_given=None, address=address) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("tulip-42", None),
        ("  TULIP-42 ", None),  # case and surrounding spaces do not matter
        ("tulip-4", "access_code"),
        ("tulip-421", "access_code"),
        ("", "access_code"),
        (None, "access_code"),
    ],
)
def test_it_checks_the_access_code(given, expected) -> None:
    rules = Rules(access_code="tulip-42")

    assert access_rules.refusal(rules, code_given=given, address="198.51.100.1") == expected


def test_it_asks_no_code_again_once_the_session_gave_it() -> None:
    rules = Rules(access_code="tulip-42")

    assert access_rules.refusal(rules, code_given=None, address=None, code_remembered=True) is None


def test_it_checks_the_network_before_the_code() -> None:
    rules = Rules(access_code="tulip-42", networks=ROOM)

    assert access_rules.refusal(rules, code_given="tulip-42", address="203.0.113.9") == "network"


def test_it_refuses_nothing_without_rules() -> None:
    assert access_rules.refusal(Rules(), code_given=None, address=None) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("10.0.0.0/8, 192.0.2.7", None),
        ("10.1.2.3/8", "10.1.2.3/8"),  # host bits set: a typo, not silently widened
        ("10.0.0.0/33", "10.0.0.0/33"),
        ("lab-network 10.0.0.0/8 300.1.1.1", "lab-network, 300.1.1.1"),
        ("", None),
    ],
)
def test_it_validates_networks(text, problem) -> None:
    if problem is None:
        parse_networks(text)
    else:
        with pytest.raises(ValueError, match=problem):
            parse_networks(text)


def test_it_limits_the_number_of_networks() -> None:
    many = " ".join(f"10.0.{i}.0/24" for i in range(access_rules.MAX_NETWORKS + 1))
    with pytest.raises(ValueError, match="At most"):
        parse_networks(many)


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("192.0.2.5", "203.0.113.1", 0, "192.0.2.5"),  # no proxy: the header is ignored
        ("10.0.0.2", "192.0.2.5", 1, "192.0.2.5"),
        ("10.0.0.2", "6.6.6.6, 192.0.2.5", 1, "192.0.2.5"),  # the spoofed left part ignored
        ("10.0.0.2", "6.6.6.6, 192.0.2.5, 10.0.0.9", 2, "192.0.2.5"),
        ("10.0.0.2", "", 1, None),  # fewer entries than proxies: not as configured
        ("10.0.0.2", "192.0.2.5", 2, None),
        ("10.0.0.2", "not-an-ip", 1, None),
        ("  2001:db8::1 ", "", 0, "2001:db8::1"),
    ],
)
def test_it_reads_the_client_address_behind_trusted_proxies(remote, forwarded, proxies, expected):
    assert clientip.client_address(remote, forwarded, proxies) == expected


def test_it_lets_an_override_replace_each_rule() -> None:
    rules = access_rules.effective_rules(
        quiz_code="tulip",
        quiz_networks="192.0.2.0/24",
        quiz_one_device=True,
        override_networks="198.51.100.0/24",
        override_one_device=False,
    )

    assert rules == Rules("tulip", parse_networks("198.51.100.0/24"), one_device=False)
    assert access_rules.effective_rules(
        quiz_code="tulip", quiz_networks="", quiz_one_device=False, override_code="rose"
    ) == Rules("rose", (), False)


@pytest.mark.parametrize(
    ("one_device", "this", "allowed", "refused"),
    [
        (True, "first", frozenset(), False),
        (True, "second", frozenset(), True),
        (True, "second", frozenset({"second"}), False),
        (False, "second", frozenset(), False),
    ],
)
def test_it_keeps_an_attempt_to_one_device(one_device, this, allowed, refused) -> None:
    rules = Rules(one_device=one_device)

    assert access_rules.device_refused(rules, owner="first", this=this, allowed=allowed) is refused


def test_it_says_what_to_do_for_each_refusal() -> None:
    assert "Ask your TA for the access code" in access_rules.message_for("access_code")
    assert access_rules.message_for("access_code", code_given=True) == messages.WRONG_ACCESS_CODE
    assert "network" in access_rules.message_for("network")
    assert "ask your TA to allow this one" in access_rules.message_for("device")
