"""Settings read from the environment, with safe defaults for a first run."""

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key() -> str:
    """A random key kept under instance/ so dev sessions survive restarts."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_vapid_private_key() -> str:
    """A VAPID key pair's private half kept under instance/, so devices
    subscribed in development keep working after a restart."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "vapid_private_key"
    if not path.exists():
        # written aside and linked into place: two processes starting at once
        # both end up with the one key that won
        spare = path.with_name(f"vapid_private_key.{os.getpid()}")
        spare.write_text(new_vapid_private_key())
        spare.chmod(0o600)
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return path.read_text().strip()


def new_vapid_private_key() -> str:
    """A fresh P-256 private key, base64url of its 32 bytes (the form
    VAPID_PRIVATE_KEY takes)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def vapid_public_key_of(private_key: str) -> str:
    """The public key (base64url of the uncompressed point) browsers pass as
    `applicationServerKey`. Raises ValueError for a key that is not one."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid

    try:
        public = Vapid.from_string(private_key).public_key
    except Exception as exc:
        raise ValueError("VAPID_PRIVATE_KEY is not a P-256 private key") from exc
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def _database_url(url: str) -> str:
    """Let plain postgres:// URLs (as hosts hand them out) use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    #: which of CONFIGS this is (`CUPO_ENV`)
    CUPO_ENV = "development"
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'cupo.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "cupo")
    #: run jobs in the request after commit instead of pushing them to RQ
    JOBS_INLINE = REDIS_URL is None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    #: Strict-Transport-Security sent on every response (production sets it)
    HSTS = None
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    #: uploaded photos and certificates; a relative path is read from the project root
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE / "uploads")

    #: limiter counters; production refuses memory:// (each worker would count alone)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: every POST/PUT/PATCH/DELETE, per route and signed-in user (per IP before sign-in)
    RATELIMIT_DEFAULT_POST = os.environ.get("RATELIMIT_DEFAULT_POST", "60 per minute")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per 10 minutes")
    LOGIN_LIMIT_PER_EMAIL = os.environ.get("LOGIN_LIMIT_PER_EMAIL", "5 per 10 minutes")
    RESET_LIMIT = os.environ.get("RESET_LIMIT", "5 per hour")
    #: tighter limits per user where a burst costs more (app/core/limits.py);
    #: every upload (photos, logo, certificates) shares one counter
    UPLOAD_LIMIT = os.environ.get("UPLOAD_LIMIT", "5 per minute;30 per hour")
    WAITLIST_LIMIT = os.environ.get("WAITLIST_LIMIT", "10 per minute")
    #: messages sent per user, from every thread and "new message" page together
    MESSAGE_LIMIT = os.environ.get("MESSAGE_LIMIT", "30 per minute")
    #: applications at /join, per IP address
    LEAD_LIMIT = os.environ.get("LEAD_LIMIT", "5 per hour")
    ORDER_LIMIT = os.environ.get("ORDER_LIMIT", "10 per hour")
    CARD_ATTEMPT_LIMIT = os.environ.get("CARD_ATTEMPT_LIMIT", "10 per 10 minutes")
    BILLING_DETAILS_LIMIT = os.environ.get("BILLING_DETAILS_LIMIT", "10 per minute")
    DESK_PAYMENT_LIMIT = os.environ.get("DESK_PAYMENT_LIMIT", "20 per minute")
    #: check-ins per staff account, several scanners at a door at rush hour (looser than
    #: the default; unknown codes have their own limit per device and account)
    SCAN_LIMIT = os.environ.get("SCAN_LIMIT", "300 per minute")
    #: a member's own door-code scans (self check-in); the camera sends each code once
    SELF_CHECKIN_LIMIT = os.environ.get("SELF_CHECKIN_LIMIT", "20 per minute")
    #: new accounts, from the users and the trainers pages together (each emails a password)
    USER_CREATION_LIMIT = os.environ.get("USER_CREATION_LIMIT", "30 per hour")
    #: failed password changes (a wrong current password, say) per user
    PASSWORD_CHANGE_LIMIT = os.environ.get("PASSWORD_CHANGE_LIMIT", "5 per 10 minutes")
    #: refused webhooks (bad signature, unknown gateway) per IP; signed ones never count
    WEBHOOK_REFUSAL_LIMIT = os.environ.get("WEBHOOK_REFUSAL_LIMIT", "30 per minute")

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Cupo <no-reply@cupo.local>")
    #: with no SMTP server, emails are recorded (body included) but not sent
    MAIL_SUPPRESS_SEND = MAIL_SERVER is None
    #: kept bodies show secrets (temporary passwords, reset links); else "[hidden]"
    SENT_EMAILS_SHOW_SECRETS = False

    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("es", "en")

    #: argon2 cost; tests lower it
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    PASSWORD_RESET_MAX_AGE = 3600
    #: generated copy of static/ with hashed names and .gz/.br variants (app/core/assets.py)
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR") or str(INSTANCE / "static-build")
    #: where links in emails and jobs point
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    #: the sandbox gateway's webhook signing secret; derived from SECRET_KEY when unset
    SANDBOX_WEBHOOK_SECRET = os.environ.get("SANDBOX_WEBHOOK_SECRET")
    #: seconds a sandbox payment stays pending before it settles
    SANDBOX_SETTLE_SECONDS = int(os.environ.get("SANDBOX_SETTLE_SECONDS", "30"))
    #: the sandbox gateway (test cards, no real money) takes payments; off in production
    SANDBOX_GATEWAY = _bool("SANDBOX_GATEWAY", True)
    #: the audit log's HMAC key (app/core/audit.py), kept outside the database; required
    #: in production, derived from SECRET_KEY elsewhere (`audit_key_for`)
    AUDIT_KEY = None
    #: Web Push (VAPID): the private key (base64url of 32 bytes, `flask push keys`
    #: makes one), its public key (derived when unset) and the contact push
    #: services see (a mailto: or https: URL; else MAIL_DEFAULT_SENDER's address).
    #: Required in production; elsewhere a key is made under instance/ (`vapid_keys_for`)
    VAPID_PRIVATE_KEY = None
    VAPID_PUBLIC_KEY = None
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT") or None
    #: hosts (and their subdomains) a device's push endpoint may be on; None: any.
    #: The server posts to these URLs, so production keeps to the browsers' push services
    PUSH_SERVICE_HOSTS = None
    VERSION = os.environ.get("CUPO_VERSION", "0.1.0")
    GIT_SHA = os.environ.get("GIT_SHA", "")


class DevelopmentConfig(Config):
    #: None here: `secret_key_for` makes one under instance/ on first use
    SECRET_KEY = None
    #: the README promises development's Sent emails page shows them
    SENT_EMAILS_SHOW_SECRETS = True


class ProductionConfig(Config):
    CUPO_ENV = "production"
    SECRET_KEY = None
    #: `__Host-`: the browser keeps them only if Secure, Path=/ and with no Domain
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    #: a staging install turns it on (`SANDBOX_GATEWAY=on`); every page then says so
    SANDBOX_GATEWAY = _bool("SANDBOX_GATEWAY", False)
    #: Strict-Transport-Security on every response
    HSTS = "max-age=31536000; includeSubDomains"
    #: Chrome/Edge (FCM), Firefox (Mozilla), Edge on Windows (WNS), Safari (Apple)
    PUSH_SERVICE_HOSTS = tuple(
        host.strip()
        for host in os.environ.get(
            "PUSH_SERVICE_HOSTS",
            "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
        ).split(",")
        if host.strip()
    )


class TestingConfig(Config):
    CUPO_ENV = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///" + str(INSTANCE / "test.db"))
    )
    JOBS_INLINE = True
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SUPPRESS_SEND = True
    SENT_EMAILS_SHOW_SECRETS = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    #: never the real uploads; tests that write files point this at their tmp_path
    UPLOAD_FOLDER = str(Path(tempfile.gettempdir()) / f"cupo-test-uploads-{os.getpid()}")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The config called `name`, else `CUPO_ENV`'s; never a guess.

    Unset, it is development only under the `flask` command (which sets
    FLASK_RUN_FROM_CLI); a server (gunicorn, an RQ worker) refuses to start,
    as it does for a name it doesn't know.
    """
    name = name or os.environ.get("CUPO_ENV") or os.environ.get("FLASK_ENV")
    if not name and os.environ.get("FLASK_RUN_FROM_CLI") == "true":
        name = "development"
    if name not in CONFIGS:
        raise RuntimeError(
            f"CUPO_ENV must be one of {', '.join(CONFIGS)} (it is {name or 'unset'})."
        )
    return CONFIGS[name]


def refuse_unsafe_production(config_class: type[Config], settings) -> None:
    """Production refuses to start with what only suits a single process.

    Rate-limit counters in memory are counted by each worker on its own (five
    tries per email became eleven with two workers), so production needs Redis.
    """
    if config_class is not ProductionConfig:
        return
    if str(settings.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        raise RuntimeError(
            "REDIS_URL must be set in production: rate-limit counters kept in memory "
            "would be counted by each worker on its own."
        )


def secret_key_for(config: type[Config]) -> str:
    """SECRET_KEY from the environment; production refuses to start without it."""
    key = os.environ.get("SECRET_KEY") or config.SECRET_KEY
    if key:
        return key
    if config is ProductionConfig:
        raise RuntimeError("SECRET_KEY must be set in production.")
    return _dev_secret_key()


def audit_key_for(config: type[Config], settings) -> str:
    """AUDIT_KEY, the audit log's HMAC key: an override, else the environment.

    Production refuses to start without its own key: one in the database, or
    one anyone with the database could guess, would let them rebuild the log.
    Elsewhere it is derived from SECRET_KEY, so a first run needs nothing.
    """
    key = settings.get("AUDIT_KEY") or os.environ.get("AUDIT_KEY")
    if key:
        return key
    if config is ProductionConfig:
        raise RuntimeError("AUDIT_KEY must be set in production (the audit log's HMAC key).")
    secret = str(settings["SECRET_KEY"]).encode()
    return hmac.new(secret, b"cupo-audit-key", hashlib.sha256).hexdigest()


def vapid_keys_for(config: type[Config], settings) -> tuple[str, str, str]:
    """(private key, public key, subject) for Web Push: an override, else the
    environment (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY, VAPID_SUBJECT).

    Production refuses to start without a private key: one made on each
    server would leave every device subscribed through another unreachable.
    Elsewhere a key is made under instance/ on first use. A public key that
    is not the private key's, or a key that is not one, refuses too.
    """
    private = settings.get("VAPID_PRIVATE_KEY") or os.environ.get("VAPID_PRIVATE_KEY")
    public = settings.get("VAPID_PUBLIC_KEY") or os.environ.get("VAPID_PUBLIC_KEY")
    if not private:
        if config is ProductionConfig:
            raise RuntimeError(
                "VAPID_PRIVATE_KEY must be set in production (Web Push; `flask push keys` "
                "makes a pair)."
            )
        private = _dev_vapid_private_key()
        public = None
    derived = vapid_public_key_of(private)
    if public and public.rstrip("=") != derived:
        raise RuntimeError("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY.")
    subject = settings.get("VAPID_SUBJECT")
    if not subject:
        sender = str(settings.get("MAIL_DEFAULT_SENDER") or "no-reply@cupo.local")
        subject = "mailto:" + sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return private, derived, subject
