"""Default configuration.

Order of precedence (later wins): these defaults, ``instance/config.py``, environment variables
prefixed ``HUB_`` (``HUB_DATABASE_URL``, ``HUB_SECRET_KEY``...), then the mapping passed to
``create_app`` by tests. Nothing here reads the environment at import time.
"""

# Settings that stay strings when they come from the environment. ``from_prefixed_env`` parses
# values as JSON, which would turn ``HUB_SECRET_KEY=2024`` or ``HUB_MAIL_PASSWORD=123456`` into
# integers (and ``HUB_SITE_NAME=null`` into None). Lower case: not a setting itself.
string_settings = (
    "SECRET_KEY",
    "DATABASE_URL",
    "BASE_URL",
    "ALLOWED_EMAIL_DOMAINS",
    "SITE_NAME",
    "SITE_TAGLINE",
    "RATELIMIT_STORAGE_URL",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "LLM_URL",
    "LLM_MODEL",
    "LLM_API_KEY",
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_SCOPES",
    "OIDC_PROVIDER_NAME",
    "OIDC_ALLOWED_DOMAINS",
    "OIDC_ROLE_CLAIM",
)

# Database: SQLAlchemy URL. None means the embedded SQLite file ``instance/hub.sqlite3``.
DATABASE_URL: str | None = None
# Extra keyword arguments for SQLAlchemy's create_engine (``{"pool_size": 10}``...).
DATABASE_ENGINE_OPTIONS: dict[str, object] = {}
# Public address of the site, used in feeds, sitemaps, Open Graph tags, e-mails and share links.
BASE_URL = "http://127.0.0.1:5000"
# Host names hub answers besides BASE_URL's (comma-separated; ".example.com" means its subdomains).
# Any other Host header gets a 400, so a forged one never reaches a redirect or a link.
TRUSTED_HOSTS = ""
# Comma-separated e-mail domains whose owners may sign up without an invitation.
ALLOWED_EMAIL_DOMAINS = ""
SITE_NAME = "hub"
SITE_TAGLINE = "Stories from the people who build it."

# Sessions and cookies. The Secure flags follow BASE_URL (on for https) unless set here.
SESSION_COOKIE_SECURE: bool | None = None
REMEMBER_COOKIE_SECURE: bool | None = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; an editor open all day still saves
# Trust X-Forwarded-* from this many proxies (set to 1 behind nginx or a load balancer).
PROXY_COUNT = 0

# Single sign-on with the company's OpenID Connect provider (README, "Single sign-on"); off while
# OIDC_ISSUER is empty. hub discovers the provider from {OIDC_ISSUER}/.well-known/openid-configuration.
OIDC_ISSUER = ""
OIDC_CLIENT_ID = ""
OIDC_CLIENT_SECRET = ""  # set it with HUB_OIDC_CLIENT_SECRET, never in a file under version control
OIDC_SCOPES = "openid email profile"  # add the scope that carries OIDC_ROLE_CLAIM if the provider needs one
OIDC_PROVIDER_NAME = "your company account"  # the button reads "Sign in with …"
# Comma-separated domains whose people get an account on their first sign-in; empty means the
# sign-up domains (ALLOWED_EMAIL_DOMAINS and those admins add in People).
OIDC_ALLOWED_DOMAINS = ""
# A claim of the ID token (a string or a list, e.g. "groups") and what its values make a person:
# {"hub-admins": "admin", "communications": "comms"}; the highest role wins, anyone else is an
# employee. Applied at every sign-in when set; without it hub's own roles stay as admins set them.
OIDC_ROLE_CLAIM = ""
OIDC_ROLE_MAP: dict[str, str] = {}
# New accounts need an e-mail address the provider vouches for (email_verified); switch off only
# for a provider that never sends the claim but owns every address it issues.
OIDC_REQUIRE_VERIFIED_EMAIL = True
# A back-channel logout token always ends the person's sessions here; with True it also
# deactivates the account (for providers that send one only when an account is removed).
OIDC_LOGOUT_DEACTIVATES = False
# A session that began at the provider is sent back to it after this many seconds (usually a
# silent round trip while the provider's own session lasts); if the provider then refuses the
# account, every session of that person ends here (and with OIDC_LOGOUT_DEACTIVATES the account
# is deactivated). 0 never asks again.
OIDC_RECHECK_SECONDS = 12 * 60 * 60
# Signing out of hub also ends the provider's session (OpenID Connect RP-Initiated Logout 1.0)
# for a person who signed in there: the browser goes on to the provider's end_session_endpoint
# and comes back to {BASE_URL}/logout/sso/done (register it as a post-logout redirect URI).
# Off: signing out of hub leaves the provider's session (and other apps' sign-ins) as they are.
# The back-channel logout token the provider sends for that session (same sid) does not count
# as "the account is gone" for OIDC_LOGOUT_DEACTIVATES; one without a sid still does.
OIDC_END_PROVIDER_SESSION = False
# Seconds a logout token stays acceptable after it was issued.
OIDC_LOGOUT_TOKEN_MAX_AGE = 300
# Password sign-in (and sign-up with a password); set HUB_PASSWORD_LOGIN=off when everyone uses
# single sign-on.
PASSWORD_LOGIN = True

# Passwords: Werkzeug's scrypt. Tests use a cheaper pbkdf2 to stay fast.
PASSWORD_HASH_METHOD = "scrypt"
PASSWORD_MIN_LENGTH = 10
PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds a reset link stays valid
INVITATION_DAYS = 14
SIGN_UP_MAX_AGE = 24 * 60 * 60  # seconds a sign-up confirmation link stays valid

# Sign-in throttling: attempts per window for one account from one client address, and for one
# client address over all accounts (README, Security).
LOGIN_MAX_PER_ACCOUNT = 5
LOGIN_MAX_PER_ADDRESS = 30
LOGIN_WINDOW_SECONDS = 15 * 60
# Shared store for rate limits: None uses the database; "redis://..." uses Redis.
RATELIMIT_STORAGE_URL: str | None = None
RATELIMIT_KEY_PREFIX = "hub:rl:"  # Redis key prefix of the counters

# Mail: with no MAIL_SERVER, messages are written as .eml files to instance/outbox/.
MAIL_SERVER: str | None = None
MAIL_PORT = 587
MAIL_USERNAME: str | None = None
MAIL_PASSWORD: str | None = None
MAIL_USE_TLS = True
MAIL_FROM = "hub <hub@localhost>"
# The outbox: mail is queued in the request's transaction and delivered after the commit by
# `hub worker` and by a background thread of each web process (switch that off with False when
# `hub worker` runs). A failed attempt is retried after OUTBOX_RETRY_SECONDS, doubling each time
# (at most six hours), until OUTBOX_MAX_ATTEMPTS; then the message is marked failed (`hub outbox`).
OUTBOX_DELIVER_IN_WEB = True
OUTBOX_MAX_ATTEMPTS = 6
OUTBOX_RETRY_SECONDS = 60.0
OUTBOX_POLL_SECONDS = 60.0  # how often a courier that has started looks for retries falling due
OUTBOX_STALE_SECONDS = 600.0  # a message claimed longer ago (its worker died) is claimed again
# Slack and Teams incoming webhooks (hub.chat), delivered through the outbox like mail.
WEBHOOK_TIMEOUT_SECONDS = 10.0  # one POST to a webhook, connect and answer
# Hosts a webhook address may point at (comma-separated; ".example.com" means its subdomains).
# Addresses must be https://, except on this machine (127.0.0.1, localhost) for local receivers.
CHAT_WEBHOOK_HOSTS = "hooks.slack.com,.webhook.office.com,.logic.azure.com,.powerplatform.com"

# JSON API v1 (/api/v1): requests per personal access token and window (seconds); past it, 429.
API_RATE_LIMIT = 300
API_RATE_WINDOW_SECONDS = 60

# Uploads
MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # any request (a 200,000-character post, percent-encoded, fits)
UPLOAD_MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # an image upload (hub.security.UPLOAD_ENDPOINTS)
MAX_FORM_MEMORY_SIZE = 1_000_000  # one text field of a multipart form (Flask's default is 500,000)
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 2400  # larger images are scaled down when re-encoded

POSTS_PER_PAGE = 20
# Public pages, feed and sitemaps for readers with no session: seconds shared caches may keep
# them, and may serve them stale while fetching a fresh copy.
PUBLIC_MAX_AGE = 60
PUBLIC_STALE_WHILE_REVALIDATE = 600
# Those answers kept whole in each worker for readers without cookies (hub.public.cache): None
# means on, except under TESTING. A commit that changes public content makes every worker of the
# machine build the page again; otherwise an entry lives this many seconds. Bytes per worker.
PUBLIC_PAGE_CACHE: bool | None = None
PUBLIC_PAGE_CACHE_SECONDS = 60.0
PUBLIC_PAGE_CACHE_BYTES = 32 * 1024 * 1024
# Posts per sitemap file (the protocol allows 50,000 URLs); files cover fixed ranges of post ids.
SITEMAP_POSTS_PER_FILE = 10_000
# Scheduled posts are published by `hub publish-due` (cron) and, at most once a minute, by requests.
PUBLISH_DUE_ON_REQUEST = True

# Sharing: clicks are appended to a per-process log and flushed to the database this often.
CLICK_FLUSH_SECONDS = 1.0
# Where the redirect puts clicks: "file" (instance/clicklog/, one machine) or "redis" (a Redis
# Stream shared by several machines, at CLICK_REDIS_URL). See the README's "Click sink".
CLICK_SINK = "file"
CLICK_REDIS_URL: str | None = None
CLICK_REDIS_STREAM = "hub:clicks"
CLICK_REDIS_GROUP = "hub"
# Entries a consumer read but did not acknowledge this long (it died) are taken over by another.
CLICK_REDIS_CLAIM_SECONDS = 30.0
# Seconds a tracked link's target is cached per process: a takedown or withdrawal shows at once on
# this machine (hub.db's content counter), on other machines within this time.
LINK_CACHE_SECONDS = 10.0

# The library's safe fetcher (link previews and feeds): public http(s) addresses only.
LIBRARY_FETCH_TIMEOUT_SECONDS = 5.0  # the whole fetch, redirects included
LIBRARY_FETCH_MAX_BYTES = 2 * 1024 * 1024  # a larger page or feed is refused
LIBRARY_FETCH_ALLOW_LOOPBACK = False  # tests only: lets the fetcher read 127.0.0.1 (never in production)
LIBRARY_PREVIEWS_PER_HOUR = 60  # link previews one person may fetch per hour
# Channels: an official account with no recorded activity for this many days is flagged.
CHANNEL_INACTIVE_DAYS = 90

# Listening: readers' feedback forms accepted per client address and window (seconds).
FEEDBACK_MAX_PER_ADDRESS = 5
FEEDBACK_WINDOW_SECONDS = 10 * 60

# Optional language-model writer for share texts: any OpenAI-compatible chat-completions API
# (Ollama, vLLM, llama.cpp's server, a cloud service). Off while LLM_URL is empty: a post's text
# leaves this server only when it is set. hub POSTs to {LLM_URL}/chat/completions.
LLM_URL = ""  # e.g. "http://127.0.0.1:11434/v1" (Ollama)
LLM_MODEL = ""  # e.g. "llama3.1:8b"
LLM_API_KEY = ""  # sent as "Authorization: Bearer …"; set it with HUB_LLM_API_KEY, never shown
LLM_TIMEOUT_SECONDS = 4.0  # the whole exchange; after it the rules' texts stay
LLM_MAX_PER_HOUR = 60  # requests to the model per person (answers are cached; the rules write the rest)
