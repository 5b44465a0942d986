"""Personal API tokens: what a BI tool sends as `Authorization: Bearer <token>`.

Only a SHA-256 hash of the token is stored; the token itself is shown once, when it is
made. `prefix` (the first characters) is kept in the clear so people can tell their tokens
apart. A token acts as its user and sees what the user sees on the pages; it stops working
when revoked or when the user is deactivated. Rows are never deleted: revocation is
recorded (who, when) and the row stays as the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user) -> ApiTokenQuerySet:
        """A person's own tokens: nobody, not even an administrator, sees another's here."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Power BI board report'.")
    prefix = models.CharField(
        max_length=16, help_text="The token's first characters, to recognise it."
    )
    key_hash = models.CharField("SHA-256 of the token", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens_revoked",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        app_label = "actions"
        ordering = ["user", "-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_by__isnull=False),
                name="api_token_revocation_attributed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
