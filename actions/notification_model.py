"""Notifications: what happened to a person's work, for them to read in the app (and by
e-mail, within their preferences). Written by the services in the same transaction as the
event they tell of; imported by `actions.models`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from inspections.models import Recommendation


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """A person's own notifications: nobody reads another's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        PLAN_APPROVED = "plan_approved", "Action plan approved"
        PLAN_RETURNED = "plan_returned", "Action plan returned"
        CLOSURE_SIGNED_OFF = "closure_signed_off", "Closure signed off"
        CLOSURE_SENT_BACK = "closure_sent_back", "Closure sent back"
        REOPENED = "reopened", "Recommendation reopened"
        DATE_CHANGE_APPROVED = "date_change_approved", "New due date approved"
        DATE_CHANGE_DECLINED = "date_change_declined", "New due date declined"
        UPDATE_BY_OTHER = "update_by_other", "Update on your action"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="notifications"
    )
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.CharField(max_length=300, help_text="What happened, in one sentence.")
    reason = models.TextField(blank=True, help_text="The reason or comment given, quoted.")
    url = models.CharField(max_length=300, help_text="The page of the place it happened.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications_caused"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"

    @property
    def service_id(self) -> int:
        return self.recommendation.service_id
