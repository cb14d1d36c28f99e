"""Who may open a quiz's attempt from where: pure functions, no database, no request.

Three rules, set per quiz and replaced per student or group by an override:

* an **access code** staff give out in the room: asked for on the start page, once per
  browser session and quiz (case and surrounding spaces ignored);
* **allowed networks**: CIDR ranges (``10.0.0.0/8``, ``2001:db8::/32``, or a single
  address); the client's address must lie in one of them, checked on the start page
  and every load of the attempt page;
* **one device at a time**: the attempt belongs to the browser session that started
  it; a second session is noticed (and logged for staff) and, with the rule on,
  refused until staff allow it.

The client's address comes from ``quizsite.clientip``, the one place that reads it
(for these rules and for the login and autosave rate limits alike).
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Literal

from quizsite.quizzes import messages

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_NETWORKS = 100
ACCESS_CODE_MAX = 64

Refusal = Literal["access_code", "network", "unknown_address", "device"]


@dataclass(frozen=True)
class Rules:
    """The rules in force for one student at one quiz (override applied)."""

    access_code: str = ""
    networks: tuple[IPNetwork, ...] = ()
    one_device: bool = False


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """The ranges in ``text`` (one per line, or separated by commas or spaces).
    Raises ValueError naming every entry that is not a range, or when there are too
    many. A range with host bits set (``10.1.2.3/8``) is refused rather than silently
    widened: it is most likely a typo."""
    entries = [e for e in text.replace(",", " ").split() if e]
    if len(entries) > MAX_NETWORKS:
        raise ValueError(f"At most {MAX_NETWORKS} networks.")
    bad: list[str] = []
    networks: list[IPNetwork] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=True))
        except ValueError:
            bad.append(entry)
    if bad:
        raise ValueError(
            "Not a network in CIDR form (like 10.0.0.0/8 or 2001:db8::/32): " + ", ".join(bad)
        )
    return tuple(networks)


def networks_text(networks: tuple[IPNetwork, ...]) -> str:
    """The stored form: one range per line."""
    return "\n".join(str(n) for n in networks)


def effective_rules(
    *,
    quiz_code: str,
    quiz_networks: str,
    quiz_one_device: bool,
    override_code: str = "",
    override_networks: str = "",
    override_one_device: bool | None = None,
) -> Rules:
    """The quiz's rules, each replaced by the override's when it sets one (a student
    sitting the exam in another room gets that room's network and code)."""
    networks = override_networks.strip() or quiz_networks
    return Rules(
        access_code=(override_code or quiz_code).strip(),
        networks=parse_networks(networks) if networks.strip() else (),
        one_device=quiz_one_device if override_one_device is None else override_one_device,
    )


def code_matches(expected: str, given: str) -> bool:
    """Case and surrounding spaces ignored; compared in constant time."""
    a = expected.strip().casefold().encode()
    b = given.strip()[:ACCESS_CODE_MAX].casefold().encode()
    return hmac.compare_digest(a, b)


def refusal(
    rules: Rules, *, code_given: str | None, address: str | None, code_remembered: bool = False
) -> Refusal | None:
    """Why this request may not start or open an attempt, or None. ``code_given`` is
    what the student typed (None: nothing typed); ``code_remembered`` that this
    session already gave the right code for this quiz."""
    if rules.networks:
        if address is None:
            return "unknown_address"
        ip = ipaddress.ip_address(address)
        if not any(ip.version == n.version and ip in n for n in rules.networks):
            return "network"
    if rules.access_code and not code_remembered:
        if code_given is None or not code_matches(rules.access_code, code_given):
            return "access_code"
    return None


def device_refused(rules: Rules, *, owner: str, this: str, allowed: frozenset[str]) -> bool:
    """Whether a session may not use an attempt: only with the one-device rule, and
    only a session that is neither the one that started it nor one staff allowed."""
    return rules.one_device and this != owner and this not in allowed


def message_for(reason: Refusal, *, code_given: bool = False) -> str:
    """What the student reads: what went wrong and what to do."""
    if reason == "access_code":
        return messages.WRONG_ACCESS_CODE if code_given else messages.ACCESS_CODE_NEEDED
    if reason == "network":
        return messages.WRONG_NETWORK
    if reason == "unknown_address":
        return messages.UNKNOWN_ADDRESS
    return messages.OTHER_DEVICE
