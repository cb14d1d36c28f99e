"""The one settings module. Every value that differs between a laptop and production
comes from an environment variable with a default that works locally; see
docs/deployment.md for the full list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quizsite import env

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state (SQLite file, generated secret key, embedded broker, uploads) lives in var/,
# which git ignores.
VAR_DIR = Path(env.get_str("QUIZSITE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.get_bool("DEBUG", True)
SECRET_KEY = env.get_secret_key("SECRET_KEY", debug=DEBUG, keep_in=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env.get_str("SITE_NAME", "Quizsite")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "quizsite.accounts",
    "quizsite.bank",
    "quizsite.bankpages",
    "quizsite.grading",
    "quizsite.quizzes",
    "quizsite.reports",
    "quizsite.lti",
    "quizsite.demo",  # sample data: above every app it fills
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before SessionMiddleware, so it sees the session and CSRF cookies: they are
    # partitioned (kept inside an LMS's iframe) where they are SameSite=None.
    "quizsite.lti.cookies.PartitionedCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSPMiddleware and XFrameOptionsMiddleware, so it sees the response first:
    # LMS-launched sessions may be framed by their LMS only (it replaces the policy's
    # frame-ancestors for them and exempts them from X-Frame-Options).
    "quizsite.lti.middleware.LtiFrameMiddleware",
    # Last: friendly 404/500 pages even with DEBUG on (quizsite/errorpages.py).
    "quizsite.errorpages.FriendlyErrorPages",
]
# With DEBUG on, show Django's debug pages (every URL for a 404, the traceback for a
# 500) instead of the friendly ones a student sees; for a developer's own machine.
DEBUG_ERROR_PAGES = env.get_bool("DEBUG_ERROR_PAGES", False)

if not DEBUG:
    # Static files straight from gunicorn in production; runserver serves them locally.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "quizsite.urls"
WSGI_APPLICATION = "quizsite.wsgi.application"
ASGI_APPLICATION = "quizsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quizsite" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizsite.accounts.context.site",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server's threads and the worker share the file locally; a class answering
    # at once must queue, never fail with "database is locked":
    # * WAL: readers go on while one connection writes (and it writes faster);
    # * IMMEDIATE: a transaction takes the write lock when it begins. A deferred one
    #   reads first and upgrades its lock later, and SQLite refuses that upgrade at
    #   once (no waiting: it could deadlock) when another writer got in between;
    # * timeout: how long a writer waits for the lock (the busy timeout), in seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _sqlite_file = Path(DATABASES["default"]["NAME"])
    if str(_sqlite_file) != ":memory:":
        # Tests on SQLite use a file next to it: Django's default test database is in
        # memory, where the live server shares one connection and nothing ever waits
        # for the lock, so the browser tests would never meet what `make run` meets.
        DATABASES["default"].setdefault("TEST", {}).setdefault(
            "NAME", str(_sqlite_file.with_name(f"test_{_sqlite_file.name}"))
        )
# How often an open attempt page asks the server for the time left (besides on focus
# and when the network returns), so time that staff add reaches an idle page.
QUIZ_TIME_POLL_SECONDS = env.get_int("QUIZ_TIME_POLL_SECONDS", 30, minimum=1)
# How many reverse proxies in front of the site append to X-Forwarded-For: the client's
# address (quizsite/clientip.py) is the one the outermost of them saw, for the quizzes'
# allowed networks and the per-address rate limits alike. 0 (no proxy): the header is
# ignored, since any client can send one.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Quiz starts the whole site admits per second; more wait in line (``admission.py``).
# Sized to what the web processes keep up with (`bench/quiz_load.py --sync` shows it).
QUIZ_STARTS_PER_SECOND = env.get_int("QUIZ_STARTS_PER_SECOND", 0, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.get_timezone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.get_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Front-end libraries are installed from the npm registry at set-up (package.json) and
# served from node_modules; nothing of theirs is copied into the repository.
STATICFILES_DIRS = [BASE_DIR / "quizsite" / "static"] + (
    [("vendor", BASE_DIR / "node_modules")] if (BASE_DIR / "node_modules").is_dir() else []
)

MEDIA_ROOT = Path(env.get_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
MEDIA_STORAGE = env.get_choice("MEDIA_STORAGE", "local", ("local", "s3"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if MEDIA_STORAGE == "s3":
    # Any S3-compatible store (AWS, MinIO, Ceph...). Objects are private; downloads go
    # through our views, which check who may read them.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.get_str("S3_BUCKET", ""),
            "endpoint_url": env.get_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env.get_str("S3_REGION", "") or None,
            "access_key": env.get_str("S3_ACCESS_KEY_ID", ""),
            "secret_key": env.get_str("S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("S3_BUCKET must be set when MEDIA_STORAGE=s3.")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CACHE_URL = env.get_str("CACHE_URL", "")
if CACHE_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
    # Every request reads its session: from Redis, with the database behind it (a
    # session survives a flushed or restarted cache), one PostgreSQL query fewer per
    # request when a class starts at once (bench/quiz_load.py --sync).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A file cache is shared by every local process (web and worker), unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Rate limits count with incr(), which this backend implements as a set()
            # with the default timeout: it must outlast the longest window (an hour).
            "TIMEOUT": 3600,
        }
    }
RATELIMIT_USE_CACHE = "default"
# Per-address limits (logins, password resets) read the client's address the one way
# the site does (TRUSTED_PROXY_COUNT), or behind a proxy they would count the whole
# site as one address.
RATELIMIT_IP_META_KEY = "quizsite.clientip.for_rate_limits"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Celery: Redis in production; locally an embedded filesystem broker, so a real worker
# process runs with no broker server to install.
CELERY_BROKER_URL = env.get_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in ("filesystem", "redis", "rediss", "memory"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r}: use redis://host:port/db or filesystem://."
    )
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.split("://", 1)[0] in ("redis", "rediss"):
    # kombu's Redis transport, with a channel that still closes cleanly when Redis goes
    # away mid-read; without it a worker running a task stops at a Redis restart
    # instead of reconnecting (quizsite/broker.py says why).
    CELERY_BROKER_TRANSPORT = "quizsite.broker:Transport"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task not acknowledged within this many seconds is redelivered; longer than
        # any grade.
        "visibility_timeout": 3600,
        # A worker asks Redis for its queues in the order given (one BRPOP over them, the
        # first non-empty list wins), not in turns: a live quiz's answers go before any
        # backlog of regrades (quizsite/grading/priorities.py). The filesystem broker takes
        # its queues in turns, so there a live answer waits for at most one message of
        # each other queue.
        "queue_order_strategy": "priority",
    }
# Reconnect after a lost broker, also while starting (Celery 6 stops deriving the start-up
# behaviour from broker_connection_retry). Grades running at the loss are left to finish:
# they write their result to the database, not the broker, and their messages go back to
# the queue anyway, so cancelling them would only redo the work.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With late acknowledgement a worker holds no more messages than it has pool processes,
# all of them running: nothing waits inside a worker that an answer of a higher
# priority arriving later could not overtake.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# How often the sweep re-enqueues grading whose worker died or whose message was lost.
GRADER_SWEEP_SECONDS = env.get_int("GRADER_SWEEP_SECONDS", 10, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "expire-due-attempts": {"task": "quizzes.expire_due_attempts", "schedule": 15.0},
    "prepare-upcoming-quizzes": {"task": "quizzes.prepare_upcoming_quizzes", "schedule": 60.0},
    "requeue-stuck-submissions": {
        "task": "grading.requeue_stuck",
        "schedule": float(GRADER_SWEEP_SECONDS),
    },
    "lti-refresh-open-scores": {"task": "lti.refresh_open_scores", "schedule": 300.0},
    "lti-forget-old-logins": {"task": "lti.forget_old_logins", "schedule": 3600.0},
    "discard-expired-report-uploads": {
        "task": "reports.discard_expired_uploads",
        "schedule": 600.0,
    },
}

# Grading: the sandbox refuses to run without its essential protections unless this is
# a development machine that says so (GRADER_SANDBOX_DEV=1).
GRADER_SANDBOX_DEV = env.get_bool("GRADER_SANDBOX_DEV", False)
# "real": the isolated sandbox; "fake": no isolation, for fast tests only.
GRADER_SANDBOX = env.get_choice("GRADER_SANDBOX", "real", ("real", "fake"))
GRADER_TASK_TIME_LIMIT = env.get_int("GRADER_TASK_TIME_LIMIT", 300, minimum=30)
# A grading renews its claim every GRADER_HEARTBEAT_SECONDS (quizsite/grading/heartbeat.py);
# a claim not renewed for GRADER_STALE_AFTER_SECONDS belongs to a dead worker, and the
# sweep (every GRADER_SWEEP_SECONDS) gives it to another.
GRADER_HEARTBEAT_SECONDS = env.get_int("GRADER_HEARTBEAT_SECONDS", 5, minimum=1)
GRADER_STALE_AFTER_SECONDS = env.get_int("GRADER_STALE_AFTER_SECONDS", 30, minimum=3)
GRADER_MAX_TRIES = env.get_int("GRADER_MAX_TRIES", 3, minimum=1)
# A queued submission is enqueued again when its queue on the broker is empty and it has
# waited GRADER_LOST_AFTER_SECONDS (its message was lost: a Redis restart), or when it
# has waited GRADER_REQUEUE_AFTER_SECONDS whatever the broker says.
GRADER_LOST_AFTER_SECONDS = env.get_int("GRADER_LOST_AFTER_SECONDS", 20, minimum=5)
GRADER_REQUEUE_AFTER_SECONDS = env.get_int("GRADER_REQUEUE_AFTER_SECONDS", 120, minimum=30)
# Queues (docs/grading.md, "Priorities"): a live quiz's answers on GRADER_LIVE_QUEUE;
# homework and staff previews on Celery's default queue ("celery"), with the site's
# other tasks; regrades on GRADER_REGRADE_QUEUE. Grading workers consume the three in
# that order (--queues grading-live,celery,grading-regrade). Students' trial runs go to
# GRADER_TRIAL_QUEUE, consumed by workers of their own, so a trial run never delays a
# submitted answer. A student's trial runs may take at most GRADER_TRIAL_SECONDS of
# worker time in any GRADER_TRIAL_WINDOW_SECONDS.
GRADER_LIVE_QUEUE = env.get_str("GRADER_LIVE_QUEUE", "grading-live")
GRADER_REGRADE_QUEUE = env.get_str("GRADER_REGRADE_QUEUE", "grading-regrade")
GRADER_TRIAL_QUEUE = env.get_str("GRADER_TRIAL_QUEUE", "trials")
GRADER_TRIAL_SECONDS = env.get_int("GRADER_TRIAL_SECONDS", 60, minimum=1)
GRADER_TRIAL_WINDOW_SECONDS = env.get_int("GRADER_TRIAL_WINDOW_SECONDS", 600, minimum=60)

# Report uploads: a PDF is measured in a child process that is killed after this many
# seconds and may use this much memory beyond its interpreter's (reports/measuring.py).
REPORT_MEASURE_TIMEOUT_SECONDS = env.get_int("REPORT_MEASURE_TIMEOUT_SECONDS", 10, minimum=1)
REPORT_MEASURE_MEMORY_MB = env.get_int("REPORT_MEASURE_MEMORY_MB", 512, minimum=64)

# LTI 1.3: a retired signing key stays in the JWKS this long (platforms cache it);
# a score is tried this many times, waiting BACKOFF * 2^(try-1) seconds in between.
LTI_KEY_GRACE_HOURS = env.get_int("LTI_KEY_GRACE_HOURS", 72, minimum=1)
LTI_PASSBACK_MAX_TRIES = env.get_int("LTI_PASSBACK_MAX_TRIES", 6, minimum=1)
LTI_PASSBACK_BACKOFF_SECONDS = env.get_int("LTI_PASSBACK_BACKOFF_SECONDS", 60, minimum=1)

EMAIL_BACKEND = env.get_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "quizsite@localhost")

# Production hardening: on whenever DEBUG is off; each can be turned off for a
# deployment behind a proxy that already does it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env.get_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.get_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# LTI launches run inside the LMS's iframe, a third-party context: the session and
# CSRF cookies must be SameSite=None there, which browsers accept only with Secure.
# Without HTTPS (a laptop) they stay Lax and LMS launches open in a new window.
SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"
CSRF_COOKIE_SAMESITE = "None" if CSRF_COOKIE_SECURE else "Lax"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every response that does not set its own
# (report downloads do: nothing in them may run). Scripts and styles only from our
# own static files: no inline <script>, <style> or style="" anywhere, so text that
# slipped past the sanitiser still could not run or restyle a page. Data for scripts
# goes in json_script blocks (JSON, not script) or data- attributes.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
