"""Logging in: lockout after failed passwords (django-axes), limits on password reset and invitation
links, the second factor (django-otp TOTP + recovery codes) for staff roles and their idle timeout."""

from datetime import timedelta

from config.env import env_bool, env_int

# django-axes: a username is locked after this many failed passwords, from one address (always) and from
# any address (unless VERNISSAGE_LOGIN_LOCK_USERNAME=0), until the cool-off has passed since the last one.
AXES_FAILURE_LIMIT = env_int("VERNISSAGE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VERNISSAGE_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS: list[str | list[str]] = [["username", "ip_address"]]
if env_bool("VERNISSAGE_LOGIN_LOCK_USERNAME", True):
    AXES_LOCKOUT_PARAMETERS.append("username")
AXES_RESET_ON_SUCCESS = True  # a successful login forgets earlier typos
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip_for_axes"  # the same address as the audit log (trusted proxies)
AXES_LOCKOUT_CALLABLE = "accounts.security_views.lockout_response"  # the login page with a clear message, 429
AXES_DISABLE_ACCESS_LOG = True  # the audit log records every login and failed login already
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every web process

# Password reset and invitation links: requests per hour, per address and per email address (reset) or
# per address (invitation acceptance), counted in the shared cache (CACHES, VERNISSAGE_CACHE_URL).
PASSWORD_RESET_PER_HOUR = env_int("VERNISSAGE_PASSWORD_RESET_PER_HOUR", 5, minimum=1)
INVITATION_ACCEPT_PER_HOUR = env_int("VERNISSAGE_INVITATION_ACCEPT_PER_HOUR", 20, minimum=1)

# The second factor: required for members of these groups and for staff and superusers; optional for
# everyone else (once an artist sets one up it is required for them too).
SECOND_FACTOR_GROUPS = ("moderator", "judge", "admin")
OTP_TOTP_ISSUER = "Vernissage"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin lists devices but never shows their keys
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes, wait 2^(n-1) s before the next try
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# Sessions of accounts that need a second factor end after this many minutes without a request.
STAFF_IDLE_MINUTES = env_int("VERNISSAGE_STAFF_IDLE_MINUTES", 30, minimum=1)
