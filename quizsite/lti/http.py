"""Calls from the tool to a platform: JSON over HTTPS with a timeout and a size cap,
so a slow or hostile platform cannot hold a worker or fill its memory."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 15
MAX_BYTES = 5 * 1024 * 1024


class PlatformError(Exception):
    """A platform answered with an error or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def retryable(self) -> bool:
        # A network problem, a throttle or a server error may pass; a 4xx will not.
        return self.status is None or self.status == 429 or self.status >= 500


@dataclass
class Reply:
    status: int
    body: object
    headers: dict[str, str]


def request(
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: object = None,
    form: dict[str, str] | None = None,
    content_type: str | None = None,
    accept: str = "application/json",
) -> Reply:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        # urllib would also open file: and ftp: addresses; a platform has no business there.
        raise PlatformError(f"{method} {url}: not an http(s) address", status=400)
    headers = {"Accept": accept, "User-Agent": "Quizsite-LTI"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = content_type or "application/json"
    # The scheme is checked above: S310 warns of file: and custom schemes.
    req = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            raw = resp.read(MAX_BYTES + 1)
            status, reply_headers = resp.status, {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        raise PlatformError(f"{method} {url}: HTTP {exc.code} {detail}", status=exc.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PlatformError(f"{method} {url}: {exc}") from None
    if len(raw) > MAX_BYTES:
        raise PlatformError(f"{method} {url}: reply larger than {MAX_BYTES} bytes", status=status)
    body: object = None
    if raw.strip():
        try:
            body = json.loads(raw)
        except ValueError:
            raise PlatformError(f"{method} {url}: reply is not JSON", status=status) from None
    return Reply(status=status, body=body, headers=reply_headers)
