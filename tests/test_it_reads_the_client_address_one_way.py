"""The client's address is read one way for the whole site: the quizzes' allowed
networks and the per-address rate limits (logins, password resets) agree, behind
TRUSTED_PROXY_COUNT proxies too."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_ratelimit.core import _get_ip

from quizsite import clientip


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is ignored
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),  # the proxy saw the client
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left one is chosen
        (2, "10.0.0.2", "198.51.100.1", "10.0.0.2"),  # fewer hops than proxies: the proxy
    ],
)
def test_it_gives_the_rate_limits_the_address_the_access_rules_see(
    settings, proxies, remote, forwarded, expected
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert clientip.for_rate_limits(request) == expected
    assert _get_ip(request) == expected
    if clientip.client_ip(request) is not None:
        assert clientip.client_ip(request) == expected
