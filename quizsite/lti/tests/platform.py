"""An LTI 1.3 platform (an LMS) for the tests, written from the IMS specifications:
its own RSA key and JWKS, the OIDC authorization endpoint (form_post of a signed
id_token), the OAuth2 token endpoint (client assertion checked against the tool's
JWKS), Assignment and Grade Services (line items, scores), Names and Role
Provisioning, a deep-linking return endpoint, Dynamic Registration, and a course page
that launches the tool inside an iframe. It listens on 127.0.0.1 in a thread."""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
CONTEXT_ID = "ctx-py101"


def new_key() -> tuple[str, dict, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = secrets.token_hex(8)
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return pem, jwk, kid


class Platform:
    client_id = "quizsite-client-1"
    deployment_id = "deployment-1"

    def __init__(self) -> None:
        self.pem, self.jwk, self.kid = new_key()
        self.lock = threading.Lock()
        self.users: dict[str, dict] = {}
        self.launches: dict[str, dict] = {}  # login_hint -> what to launch
        self.line_items: dict[str, dict] = {}
        self.scores: list[tuple[str, dict]] = []
        self.deep_link_items: list[dict] = []
        self.members: list[dict] = []
        self.tool_jwks: dict | None = None  # set by trust_tool(); else fetched
        self.tool_jwks_url = ""
        self.tool_login_url = ""
        self.tokens: set[str] = set()
        self.registrations: list[dict] = []
        self.score_failures = 0  # the next N score posts fail with score_status
        self.score_status = 503
        self.requests: list[str] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                platform._dispatch(self, "GET")

            def do_POST(self) -> None:
                platform._dispatch(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---------------------------------------------------------------- set-up

    @property
    def lineitems_url(self) -> str:
        return f"{self.url}/contexts/{CONTEXT_ID}/lineitems"

    def register_in(self, **extra):
        """Manual registration of this platform in the tool (what an admin types)."""
        from quizsite.lti.models import Deployment, Registration

        reg = Registration.objects.create(
            name="Emulated LMS",
            issuer=self.issuer,
            client_id=self.client_id,
            auth_login_url=f"{self.url}/auth",
            auth_token_url=f"{self.url}/token",
            jwks_url=f"{self.url}/jwks",
            **extra,
        )
        Deployment.objects.create(registration=reg, deployment_id=self.deployment_id)
        return reg

    def trust_tool(self, jwks: dict) -> None:
        self.tool_jwks = jwks

    def add_user(self, sub: str, *, roles: list[str], name: str, email: str | None) -> None:
        given, _, family = name.partition(" ")
        self.users[sub] = {
            "sub": sub,
            "name": name,
            "given_name": given,
            "family_name": family,
            "email": email,
            "roles": roles,
        }

    def plan_launch(
        self,
        sub: str,
        *,
        message_type: str = "LtiResourceLinkRequest",
        link: str = "link-1",
        custom: dict | None = None,
    ) -> str:
        """A login_hint that launches ``sub`` through ``link`` (resource link id)."""
        hint = secrets.token_hex(6)
        self.launches[hint] = {
            "sub": sub,
            "message_type": message_type,
            "link": link,
            "custom": custom or {},
        }
        return hint

    def login_params(self, hint: str, target: str) -> dict:
        return {
            "iss": self.issuer,
            "login_hint": hint,
            "target_link_uri": target,
            "lti_message_hint": "msg-" + hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    # ------------------------------------------------------------- id tokens

    def claims_for(self, hint: str, nonce: str, redirect_uri: str) -> dict:
        plan = self.launches[hint]
        user = self.users[plan["sub"]]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": user["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": user["name"],
            "given_name": user["given_name"],
            "family_name": user["family_name"],
            LTI + "message_type": plan["message_type"],
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": redirect_uri,
            LTI + "roles": user["roles"],
            LTI + "context": {
                "id": CONTEXT_ID,
                "label": "PY101",
                "title": "Python Internals",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            LTI + "custom": plan["custom"],
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": self.lineitems_url,
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/contexts/{CONTEXT_ID}/memberships",
                "service_versions": ["2.0"],
            },
        }
        if user["email"]:
            claims["email"] = user["email"]
        if plan["message_type"] == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": plan["link"], "title": "Quizsite link"}
        else:
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep_link_return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "dl-context-7",
            }
        return claims

    def sign(self, claims: dict, *, pem: str | None = None, kid: str | None = None) -> str:
        return jwt.encode(
            claims, pem or self.pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    # -------------------------------------------------------------- the server

    def _dispatch(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        self.requests.append(f"{method} {parts.path}")
        path = parts.path
        try:
            if path == "/jwks":
                return self._json(h, 200, {"keys": [self.jwk]})
            if path == "/auth":
                return self._authorize(h, query)
            if path == "/token" and method == "POST":
                return self._token(h, dict(urllib.parse.parse_qsl(raw.decode())))
            if path.startswith("/course/"):
                return self._course_page(h, path.rsplit("/", 1)[1])
            if path == "/deep_link_return" and method == "POST":
                return self._deep_link_return(h, dict(urllib.parse.parse_qsl(raw.decode())))
            if path == "/.well-known/openid-configuration":
                return self._json(h, 200, self.openid_configuration())
            if path == "/register" and method == "POST":
                return self._register(h, json.loads(raw or b"{}"))
            if not self._authorized(h):
                return self._json(h, 401, {"error": "invalid token"})
            if path == self.lineitems_path and method == "GET":
                items = [
                    i
                    for i in self.line_items.values()
                    if "resource_id" not in query or i.get("resourceId") == query["resource_id"]
                ]
                return self._json(h, 200, items)
            if path == self.lineitems_path and method == "POST":
                return self._json(h, 201, self.add_line_item(json.loads(raw)))
            if (
                path.startswith(self.lineitems_path + "/")
                and path.endswith("/scores")
                and method == "POST"
            ):
                return self._score(
                    h, path.rsplit("/", 1)[0], json.loads(raw), h.headers.get("Content-Type", "")
                )
            if path == f"/contexts/{CONTEXT_ID}/memberships":
                return self._json(
                    h, 200, {"id": path, "context": {"id": CONTEXT_ID}, "members": self.members}
                )
        except Exception as exc:  # noqa: BLE001 - the emulator answers, the test reads
            return self._json(h, 500, {"error": repr(exc)})
        return self._json(h, 404, {"error": "not found"})

    @property
    def lineitems_path(self) -> str:
        return f"/contexts/{CONTEXT_ID}/lineitems"

    def _json(self, h, status: int, body) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _html(self, h, status: int, text: str) -> None:
        data = text.encode()
        h.send_response(status)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _authorize(self, h, q: dict) -> None:
        hint = q.get("login_hint", "")
        if (
            q.get("client_id") != self.client_id
            or hint not in self.launches
            or q.get("response_mode") != "form_post"
        ):
            return self._html(h, 400, "bad authorization request")
        if q.get("lti_message_hint") != "msg-" + hint or q.get("scope") != "openid":
            return self._html(h, 400, "bad authorization request")
        token = self.sign(self.claims_for(hint, q["nonce"], q["redirect_uri"]))
        return self._html(
            h, 200, autopost(q["redirect_uri"], {"id_token": token, "state": q["state"]})
        )

    def _course_page(self, h, hint: str) -> None:
        src = (
            self.tool_login_url
            + "?"
            + urllib.parse.urlencode(self.login_params(hint, self.tool_login_url))
        )
        return self._html(
            h,
            200,
            f"<!doctype html><title>LMS course</title><h1>Python Internals</h1>"
            f'<iframe id="tool" name="tool" title="Quizsite" src="{html.escape(src)}" width="1100" height="800"></iframe>',
        )

    def _tool_keys(self) -> dict:
        if self.tool_jwks is not None:
            return self.tool_jwks
        import urllib.request

        with urllib.request.urlopen(self.tool_jwks_url, timeout=10) as resp:  # noqa: S310 - loopback
            return json.loads(resp.read())

    def _verify_tool_jwt(self, token: str, audience: str) -> dict:
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(k for k in self._tool_keys()["keys"] if k["kid"] == kid)
        return jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=audience)

    def _token(self, h, form: dict) -> None:
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return self._json(h, 400, {"error": "unsupported_grant_type"})
        try:
            claims = self._verify_tool_jwt(form.get("client_assertion", ""), f"{self.url}/token")
        except Exception as exc:  # noqa: BLE001
            return self._json(h, 401, {"error": "invalid_client", "error_description": repr(exc)})
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return self._json(h, 401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return self._json(
            h,
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": form.get("scope", ""),
            },
        )

    def _authorized(self, h) -> bool:
        auth = h.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    def add_line_item(self, body: dict) -> dict:
        with self.lock:
            n = len(self.line_items) + 1
            item = dict(body, id=f"{self.url}{self.lineitems_path}/{n}")
            self.line_items[item["id"]] = item
        return item

    def _score(self, h, item_path: str, body: dict, content_type: str) -> None:
        item_id = self.url + item_path
        if (
            item_id not in self.line_items
            or content_type != "application/vnd.ims.lis.v1.score+json"
        ):
            return self._json(h, 400, {"error": "no such line item or wrong type"})
        if self.score_failures:
            self.score_failures -= 1
            return self._json(h, self.score_status, {"error": "not now"})
        self.scores.append((item_id, body))
        return self._json(h, 200, {})

    def _deep_link_return(self, h, form: dict) -> None:
        claims = self._verify_tool_jwt(form.get("JWT", ""), self.issuer)
        if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
            return self._html(h, 400, "not a deep-linking response")
        for item in claims.get(DL + "content_items", []):
            item = dict(item, data=claims.get(DL + "data"))
            self.deep_link_items.append(item)
            if item.get("lineItem"):
                self.add_line_item(item["lineItem"])
        titles = ", ".join(html.escape(i["title"]) for i in self.deep_link_items)
        return self._html(
            h, 200, f'<!doctype html><title>Placed</title><p id="placed">Placed: {titles}</p>'
        )

    def openid_configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/auth",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "registration_endpoint": f"{self.url}/register",
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "emulated-lms",
                "version": "1.0",
            },
        }

    def _register(self, h, body: dict) -> None:
        if h.headers.get("Authorization") != "Bearer reg-token-1":
            return self._json(h, 401, {"error": "bad registration token"})
        self.registrations.append(body)
        reply = dict(body, client_id=self.client_id)
        reply["https://purl.imsglobal.org/spec/lti-tool-configuration"] = dict(
            body["https://purl.imsglobal.org/spec/lti-tool-configuration"],
            deployment_id=self.deployment_id,
        )
        return self._json(h, 200, reply)


def autopost(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (
        f'<!doctype html><title>Launching</title><form id="f" method="post" action="{html.escape(action)}">'
        f"{inputs}</form><script>document.getElementById('f').submit()</script>"
    )
