"""Shared test fixtures: the personas every permission test uses, and a headless
Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # The real hasher is slow by design; tests create many users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _celery_config_loaded_once():
    # Celery reads Django's settings lazily, on first access. Reading it now means a test
    # that overrides settings can never become what later tests take as the real config.
    from quizsite.celery import app

    app.conf.task_always_eager  # noqa: B018 - the access is the point


@pytest.fixture
def celery_eager():
    """Run tasks inside the caller (no worker): for tests whose database a separate
    worker process cannot see, such as the live server's."""
    from quizsite.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def course(db):
    from quizsite.accounts.models import Course

    return Course.objects.create(
        code="cs107", title="Systems Development", timezone="America/New_York"
    )


@pytest.fixture
def other_course(db):
    from quizsite.accounts.models import Course

    return Course.objects.create(code="cs200", title="Another Course", timezone="UTC")


def _person(username: str, course=None, role: str | None = None):
    from quizsite.accounts.models import Membership, User

    user = User.objects.create_user(
        username=username, email=f"{username}@example.edu", password="pw-" + username
    )
    if course is not None and role:
        Membership.objects.create(user=user, course=course, role=role)
    return user


@pytest.fixture
def student(course):
    return _person("student", course, "student")


@pytest.fixture
def other_student(course):
    return _person("other_student", course, "student")


@pytest.fixture
def ta(course):
    return _person("ta", course, "ta")


@pytest.fixture
def instructor(course):
    return _person("instructor", course, "instructor")


@pytest.fixture
def stranger(db):
    """Logged in, but not a member of the course."""
    return _person("stranger")


@pytest.fixture
def personas(student, other_student, ta, instructor, stranger):
    return {
        "student": student,
        "other_student": other_student,
        "ta": ta,
        "instructor": instructor,
        "stranger": stranger,
        "anonymous": None,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as user (None: anonymous)."""

    def make(user):
        from django.test import Client

        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


# --- browser tests --------------------------------------------------------------------


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({
    directive: e.effectiveDirective, blocked: e.blockedURI || "inline",
    source: e.sourceFile || "", line: e.lineNumber || 0, sample: e.sample || "",
  });
}, true);
"""


def chromium_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="session")
def chromium():
    paths = chromium_paths()
    if paths is None:
        pytest.skip(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = paths[0]
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(paths[1]), options=options)
    driver.set_page_load_timeout(30)
    # Every document records the Content-Security-Policy violations it meets, from its
    # first byte on (a listener added after loading would miss those of the load);
    # browser.audit() reports them.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium, live_server):
    """A Chromium page against the live server. browser.login(user) signs a user in
    without typing; browser.go(path); browser.screenshot(name) keeps an artifact."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    class Page:
        driver = chromium
        base = live_server.url

        def go(self, path: str) -> None:
            chromium.get(self.base + path)

        def login(self, user) -> None:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            self.go("/accounts/login/")
            chromium.add_cookie(
                {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "path": "/"}
            )

        def screenshot(self, name: str) -> Path:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{name}.png"
            chromium.save_screenshot(str(path))
            return path

        def csp_violations(self) -> list[str]:
            """The Content-Security-Policy violations the page met since it loaded: one
            line each, naming the directive, what was blocked and where."""
            found = chromium.execute_script("return window.__cspViolations || [];")
            return [
                f"csp ({v['directive']}): blocked {v['blocked']} at {v['source']}:{v['line']}"
                + (f" ({v['sample']})" if v["sample"] else "")
                for v in found
            ]

        def audit(self) -> list[str]:
            """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now: one line
            per serious or critical violation, naming the rule and the elements; and
            one per Content-Security-Policy violation the page met."""
            if not AXE.is_file():
                pytest.skip("axe-core is not installed (npm ci)")
            blocked = self.csp_violations()
            chromium.execute_script(AXE.read_text())
            result = chromium.execute_async_script(
                """
                const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
                  .then((r) => done(r.violations.map((v) => ({
                      id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
                  }))))
                  .catch((e) => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
                """
            )
            return blocked + [
                f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}"
                for v in result
                if v["impact"] in ("serious", "critical")
            ]

    chromium.delete_all_cookies()
    yield Page()
    chromium.delete_all_cookies()


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return [
        f"quizsite: database={engine} broker={broker} chromium={'yes' if chromium_paths() else 'no'}"
    ]


os.environ.setdefault("GRADER_SANDBOX_DEV", "0")
