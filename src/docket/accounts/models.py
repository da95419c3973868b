"""Sign-in state: failed attempts (for lockout and throttling), the sessions a user has open
and the API tokens they hold. How they are used: docs/architecture.md, "Authentication"."""

from django.conf import settings
from django.db import models


class LoginFailure(models.Model):
    """One failed attempt (wrong password or wrong second-factor code), counted by the name
    tried (which need not exist) and by the client's address. Rows older than the windows
    are deleted as new ones come; an unlock or a successful login clears a name's rows."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["ip", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip or '-'} at {self.at:%Y-%m-%d %H:%M}"


class LoginSession(models.Model):
    """A session a user is logged in with, so that "log out everywhere" can end them all
    (Django's session table does not say whose a session is)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"session of {self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A key for `Authorization: Token <key>`. Only the SHA-256 of the key is stored: the key
    itself is shown once, when the token is made. A token ends at `expires_at` or when it is
    revoked, whichever comes first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the key
    prefix = models.CharField(max_length=8)  # the key's first characters, to tell tokens apart
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"


class Preference(models.Model):
    """A user's own settings for the web UI: for now, the language it is shown in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(max_length=10)  # one of settings.LANGUAGES

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
