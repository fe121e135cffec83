"""Settings for imhcf: one file, every deploy-time value from the environment.

The defaults run the app locally on SQLite with DEBUG off; `make run` turns
DEBUG on for the development server. Production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README.md).
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything unrecognised stops start-up rather than guessing."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use 1/0, true/false, yes/no or on/off")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Security ------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env_bool("DJANGO_DEBUG", False)
# The fallback key starts with "django-insecure-" so `check --deploy` flags it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-local-only-change-me"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Applications ----------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    # Sign-in (assessments/accounts/adapter.py): django-allauth's accounts (verified
    # e-mail addresses, re-authentication), second factors (authenticator app, passkeys,
    # recovery codes) and work accounts (any OpenID Connect provider, Entra ID included).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    # The public JSON API (/api/v1/, catalogue/api/) and its OpenAPI description; the
    # sidecar serves Swagger UI's files from our own static files (the CSP allows no CDN).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Organisation API keys (assessments/models/api_keys.py): hashed, with a prefix.
    "rest_framework_api_key",
    "catalogue",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The database unreachable is a 503 with Retry-After (assessments/security/unavailable.py).
    # Its process_exception sees views' errors wherever it sits; errors raised in the
    # middleware below (the session read, the session write) reach imhcf.urls.handler500.
    "assessments.security.unavailable.DatabaseUnavailable",
    "assessments.security.middleware.RefuseTrace",
    "assessments.security.middleware.RefuseNulCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Read-your-writes: for IMHCF_PIN_SECONDS after a signed-in person's write, report
    # reads go to the primary, not the replica (imhcf/pinning.py).
    "imhcf.pinning.PinAfterWrite",
    # Deny by default: a view must say @login_not_required to be public.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After messages (it says why someone was signed out); LoginRequiredMiddleware's
    # check runs later, at the view, so a timed-out visitor is sent to sign in.
    "assessments.security.middleware.SessionTimeouts",
    "assessments.security.middleware.TwoFactorGate",
    # Before a change to how one signs in: a work account proves who one is again
    # when it is the only way in (allauth asks nothing of such a person).
    "assessments.security.middleware.WorkAccountAgain",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "assessments.security.middleware.PrivatePagesNotStored",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imhcf.urls"
WSGI_APPLICATION = "imhcf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessments.context_processors.site",
            ],
        },
    },
]

# Database --------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# `or` rather than a default argument: an empty DATABASE_URL also means SQLite.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if env_bool("DJANGO_DB_PGBOUNCER", False):
    # Behind PgBouncer in transaction pooling: no persistent connections, and no
    # server-side cursors (the heat-map export streams with .iterator()), which a pooled
    # connection cannot keep between transactions.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at BEGIN so two concurrent saves queue up instead of
    # one failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A PostgreSQL replica for report reads (imhcf.routers): optional. In tests it mirrors
# the test database, a second connection to the same data, as a replica would be.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    for key in ("CONN_MAX_AGE", "DISABLE_SERVER_SIDE_CURSORS"):
        if key in DATABASES["default"]:
            DATABASES["replica"][key] = DATABASES["default"][key]
DATABASE_ROUTERS = ["imhcf.routers.ReplicaRouter"]
# After a write, that person's report reads stay on the primary this long (imhcf.pinning):
# far longer than the replica's lag (`make cluster` prints it).
IMHCF_PIN_SECONDS = int(os.environ.get("IMHCF_PIN_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state: cache, sessions, background work ---------------------------------
# IMHCF_REDIS_URL (production: several app servers and a worker). The cache is Redis, so
# what is cached (allauth's rate-limit counts and used codes, the public catalogue
# pages) is the same on every app server; sessions are read from Redis and written
# through to the database (cached_db), so any app server serves anyone, a page costs no
# session query, and a Redis restart signs nobody out. Without it (`make run`, most
# tests): a per-process memory cache and database sessions, as before.
REDIS_URL = os.environ.get("IMHCF_REDIS_URL", "")
# Redis down is not the site down: a cache that cannot be reached answers "not cached"
# (django-redis's IGNORE_EXCEPTIONS, each logged), so sessions are read from the
# database, pages are rendered afresh, and only allauth's shared counts (its rate
# limits; django-axes' lockouts are in the database) are off until Redis is back
# (assessments/ops/shared_cache.py).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "assessments.ops.shared_cache.SharedCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "imhcf",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Background work (assessments/tasks/) runs on Celery workers, sent through a broker:
# IMHCF_BROKER_URL, or Redis when IMHCF_REDIS_URL is set. With neither, a task runs in
# the process that asks for it, after its transaction commits (`make run` needs no
# server). A task is acknowledged only once done, so one on a worker that dies is run
# again by another (after IMHCF_TASK_REDELIVER_SECONDS); every task is idempotent.
CELERY_BROKER_URL = os.environ.get("IMHCF_BROKER_URL") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is stopped after 5 minutes (or half the redelivery time, if shorter), so a task
# is only ever redelivered when its worker has died, never while it still runs: the
# tasks' claims (tasks/invitations.py) rely on it.
TASK_REDELIVER_SECONDS = int(os.environ.get("IMHCF_TASK_REDELIVER_SECONDS", "900"))
CELERY_TASK_TIME_LIMIT = max(1, min(300, TASK_REDELIVER_SECONDS // 2))
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT * 4 // 5)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_REDELIVER_SECONDS,
    # How often a worker looks for a dead worker's tasks that are due again: every few
    # seconds (one cheap Redis query), rather than kombu's default of every 100 s.
    "unacked_restore_interval": max(1, min(10, TASK_REDELIVER_SECONDS // 3)),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues work waits at most about a second for a broker that is down;
# the work is then found and queued again by the next sweep (assessments/tasks/sweep.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_IMPORTS = [
    "assessments.tasks.invitations",
    "assessments.tasks.mail",
    "assessments.tasks.prepared",
    "assessments.tasks.reminders",
    "assessments.tasks.sweep",
    "assessments.tasks.tallies",
]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# The scheduler (`celery -A imhcf beat`, docs/deploy.md): the day's reminders at 07:00
# and again every hour until 21:00 (a reminder is claimed once, so the later runs only
# catch what a lost task or a stopped scheduler missed), and a sweep every few minutes
# for work that was saved but never queued or never finished.
CELERY_BEAT_SCHEDULE = {
    "reminders": {
        "task": "assessments.tasks.reminders.queue_due_reminders",
        "schedule": crontab(hour="7-21", minute=0),
    },
    "sweep": {
        "task": "assessments.tasks.sweep.sweep",
        "schedule": 300.0,
    },
}

# Accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "assessments.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "assessments:start"  # managers land on their team
# Self sign-up: off unless the deployment opens it (`make run` does, for the demo).
IMHCF_SIGNUP_OPEN = env_bool("IMHCF_SIGNUP_OPEN", False)
LOGOUT_REDIRECT_URL = "catalogue:home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    # allauth's backend (username or e-mail, passkeys), loading the signed-in user with
    # their roles in the same query (security.roles: who someone is, once per request).
    "assessments.security.roles.RoleAwareBackend",
]
# Sign-in rate limit: 5 failures for one username from one address lock that pair
# for 15 minutes; keying on both keeps one address (a shared NHS NAT) from locking
# out everyone behind it, and one username from being locked by strangers elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy the connection comes from the proxy: list its addresses (or
# networks) so the client's own address is read from X-Forwarded-For, for the lockout
# and the security log alike (assessments.security.audit.client_address). Empty: no proxy.
IMHCF_TRUSTED_PROXIES = [
    ipaddress.ip_network(net.strip())
    for net in os.environ.get("IMHCF_TRUSTED_PROXIES", "").split(",")
    if net.strip()
]
AXES_CLIENT_IP_CALLABLE = "assessments.security.audit.client_address"
# Sessions end after this long without a request, and this long after signing in.
IMHCF_SESSION_IDLE_MINUTES = int(os.environ.get("IMHCF_SESSION_IDLE_MINUTES", "30"))
IMHCF_SESSION_MAX_HOURS = int(os.environ.get("IMHCF_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = IMHCF_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; forms carry the token
# django-axes reads the username from allauth's sign-in form, whose field is "login".
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "assessments.security.audit.username_tried"

# django-allauth: accounts --------------------------------------------------------
# People sign in with their username or their e-mail address, or a passkey, or a work
# account. An address counts (invitations, notices, linking a work account) only once
# its owner has followed the link sent to it; signing in does not wait for that.
ACCOUNT_ADAPTER = "assessments.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    name: f"assessments.accounts.forms.{form}"
    for name, form in {
        "signup": "SignUpForm",
        "login": "SignInForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "add_email": "AddEmailForm",
    }.items()
}
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
# One address per person; a new one replaces the old only once it is confirmed.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = "imhcf: "
ACCOUNT_PREVENT_ENUMERATION = True
# Changing the address or an authenticator, linking a work account and deleting the
# account ask who you are again (a code or passkey where you have one, else the
# password; the work account for people with neither) unless you proved it within the
# last five minutes. Signing in does not count, except for people with only a work
# account (security.reauth). Changing the password asks for the current one, and for
# a code or passkey too where you have one (accounts.views.ChangePassword) (ASVS 7.5.1).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# allauth's own rate limits, beside django-axes' lockout of one username from one
# address. Five wrong passwords (or second-factor codes) per "key" wait five minutes;
# for passwords the key is the account name and the browser's address together
# (AccountAdapter), as axes counts, so a stranger cannot lock a nurse out everywhere;
# for codes it is the person. Per address, generously: a trust's staff may share one
# NAT address.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip,5/5m/key", "login": "300/m/ip"}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session goes on; every other one ends
ACCOUNT_SESSION_REMEMBER = True  # the session lasts IMHCF_SESSION_MAX_HOURS, as before
ACCOUNT_USER_DISPLAY = "assessments.accounts.adapter.display_name"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env_bool("DJANGO_SECURE", False) else "http"

# django-allauth: second factors ----------------------------------------------------
MFA_ADAPTER = "assessments.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "IMHCF self-assessment"
MFA_RECOVERY_CODE_COUNT = 10
MFA_FORMS = {
    name: f"assessments.accounts.forms.{form}"
    for name, form in {
        "authenticate": "SecondFactorForm",
        "reauthenticate": "SecondFactorAgainForm",
        "activate_totp": "ActivateAppForm",
        "add_webauthn": "AddPasskeyForm",
        "edit_webauthn": "EditPasskeyForm",
    }.items()
}
# allauth's default refuses a second factor to anyone with an unconfirmed address, and a
# new address to anyone with a second factor. Here every account from before migration
# 0020 starts unconfirmed and managers must have a second factor, so that would stop
# managers moving to a passkey, or changing their address, until they confirm it. An
# unconfirmed address counts for nothing here (no invitation, notice or link), and
# self sign-up, the way to claim someone else's address, is off unless opened.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# WebAuthn needs HTTPS, except on this machine (the development server and the tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not env_bool("DJANGO_SECURE", False)

# django-allauth: work accounts ------------------------------------------------------
# Each provider is a "Social application" in admin (provider: OpenID Connect), or one
# from the environment (IMHCF_OIDC_*; docs/deploy.md). Its settings may list the
# e-mail domains it vouches for ("allowed_email_domains").
SOCIALACCOUNT_ADAPTER = "assessments.accounts.adapter.WorkAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False  # a first sign-in asks for the job role
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking to an existing account needs its password
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_FORMS = {"signup": "assessments.accounts.forms.WorkAccountSignUpForm"}
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": os.environ.get("IMHCF_OIDC_ID", "work"),
                    "name": os.environ.get("IMHCF_OIDC_NAME", "your work account"),
                    "client_id": os.environ["IMHCF_OIDC_CLIENT_ID"],
                    "secret": os.environ.get("IMHCF_OIDC_CLIENT_SECRET", ""),
                    "settings": {
                        "server_url": os.environ["IMHCF_OIDC_ISSUER"],
                        "allowed_email_domains": env_list("IMHCF_OIDC_EMAIL_DOMAINS", ""),
                        "allowed_tenants": env_list("IMHCF_OIDC_TENANTS", ""),
                    },
                }
            ]
            if os.environ.get("IMHCF_OIDC_CLIENT_ID")
            else []
        ),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
CELERY_TIMEZONE = TIME_ZONE  # the reminders go at 07:00 London time

# Static files --------------------------------------------------------------------
# Bootstrap is vendored under static/vendor/: no CDN, so the app works offline.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files: on local disk under IMHCF_MEDIA_ROOT (outside the static files, never
# served by URL: only through the file view, which checks who asks), or in an
# S3-compatible bucket when IMHCF_S3_BUCKET is set (pip install ".[s3]").
MEDIA_ROOT = Path(os.environ.get("IMHCF_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/evidence-files-are-not-served-here/"
IMHCF_S3_BUCKET = os.environ.get("IMHCF_S3_BUCKET", "")
DEFAULT_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": IMHCF_S3_BUCKET,
            "endpoint_url": os.environ.get("IMHCF_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("IMHCF_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
    if IMHCF_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
IMHCF_UPLOAD_MAX_MB = int(os.environ.get("IMHCF_UPLOAD_MAX_MB", "10"))
IMHCF_UPLOAD_QUOTA_MB = int(os.environ.get("IMHCF_UPLOAD_QUOTA_MB", "100"))
# A download prepared on the queue (the whole record, the portfolio pack) is kept in the
# same private storage for this long after it is ready, then deleted (tasks/sweep.py).
IMHCF_PREPARED_HOURS = int(os.environ.get("IMHCF_PREPARED_HOURS", "1"))

# Reminders (manage.py send_reminders, daily): days before each date that an e-mail
# goes; an NMC registrant also hears the day her application window opens. Links in
# e-mails start with IMHCF_SITE_URL.
IMHCF_SITE_URL = os.environ.get("IMHCF_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
IMHCF_RENEWAL_REMINDER_DAYS = [
    int(d) for d in os.environ.get("IMHCF_RENEWAL_REMINDER_DAYS", "90,30,7").split(",")
]
IMHCF_APPRAISAL_REMINDER_DAYS = [
    int(d) for d in os.environ.get("IMHCF_APPRAISAL_REMINDER_DAYS", "28,7").split(",")
]

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Forms -----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("DJANGO_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "imhcf@localhost")

# Logging: everything to stderr, where gunicorn, systemd or the container collects it.
# Errors in requests (500s) are logged with their traceback; nothing is e-mailed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            # Local time with its UTC offset, so entries from any machine line up.
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # Security events (assessments/security/audit.py): sign-ins, second factors, refusals.
        "imhcf.security": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # Workers: each task received, done, retried or failed, and that they are ready.
        "celery": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

# Uploads: the wording import reads a CSV/XLSX of a few hundred rows.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS (production sets DJANGO_SECURE=1 behind its TLS-terminating proxy).
if env_bool("DJANGO_SECURE", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # "__Host-" cookies are only accepted over HTTPS, for this exact host and path "/":
    # no sibling subdomain can set or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: scripts, styles, fonts and images from our own static files
# only; no inline script or style anywhere (bars use width classes, the printable
# pages a stylesheet). `data:` images are the small SVG icons inside Bootstrap's CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_bool("DJANGO_SECURE", False):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# The JSON API (/api/v1/, catalogue/api/): Django REST framework, deny by default like the
# pages (each public view says AllowAny), the site's own sessions for now, JSON only (the
# browsable page is Swagger UI at /api/v1/docs/, whose files and start-up script are ours,
# so the CSP above needs no exception). Versioned by the URL prefix.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, and no bigger than IMHCF_API_MAX_BODY (assessments/api/limits.py).
    "DEFAULT_PARSER_CLASSES": ["assessments.api.limits.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Calls per minute: from one address not signed in (the public endpoints), per
    # person signed in, and per organisation API key (assessments/api/organisations/
    # keys.py). Counted in the cache: shared by every app server once it is Redis.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("IMHCF_API_ANON_RATE", "120/min"),
        "user": os.environ.get("IMHCF_API_USER_RATE", "600/min"),
        "organisation_key": "600/min",
    },
}
# The largest request body the API reads, in bytes: 2,000 staff rows fit in a third of it.
IMHCF_API_MAX_BODY = int(os.environ.get("IMHCF_API_MAX_BODY", str(1024 * 1024)))
SPECTACULAR_SETTINGS = {
    "TITLE": "imhcf API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Three parts. Open to anyone, read-only: the UK Infant Mental Health Competencies "
        "Framework as this site holds it (levels, domains, competencies, how much of its "
        "wording is here, and the framework as a 1EdTech CASE package), and the course "
        "catalogue (fees, runs, modules and how strongly each course covers each part of the "
        "framework, with the source fact each link rests on). A person's own record (/me/): "
        "where she stands, her ratings and evidence, her gaps, her plan and her training "
        "records, with her session or one of her own API tokens (Authorization: Bearer). "
        "An organisation's (/organisations/): its teams, members' statuses (never their "
        "evidence), tallies and team plans; adding staff, and sending their completed "
        "learning as xAPI statements for each person to confirm; with a training lead's "
        "session or an organisation API key (Authorization: Api-Key). "
        'A figure a provider does not publish is null and labelled "not published"; '
        "0 means free. Errors are JSON: 400 names each field, 401 and 403 say why, 404 says "
        "nothing of what exists elsewhere, 413 for a body over "
        f"{IMHCF_API_MAX_BODY:,} bytes, 429 with Retry-After."
    ),
    # OpenAPI 3.1: a field that may be null is said as JSON Schema says it ("oneOf" the
    # object or null), which every validator reads alike; 3.0's "nullable" beside a
    # reference leaves the null out for many (the every-endpoint walk found it).
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "assessments.api.schema.nullable_as_json_schema",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each one inside the endpoint's button, a control in a
    # control, which screen readers cannot reach (axe: nested-interactive).
    # No colouring of examples either: its colours are too faint on its dark background.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
