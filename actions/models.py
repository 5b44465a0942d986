"""Action plans, actions, progress updates, evidence, measures, meetings and the transition log.

Statuses change only through `actions.services`; progress updates and transitions are
append-only logs.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from inspections import permissions as perms
from inspections.models import Board, Inspection, Person, Recommendation, Role, Service, refuse_move


class RAG(models.TextChoices):
    GREEN = "green", "Green – on track"
    AMBER = "amber", "Amber – at risk"
    RED = "red", "Red – off track"
    BLUE = "blue", "Blue – complete"


AMBER_RED_MESSAGE = "Amber or Red needs a reason and a recovery step."


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with comments"

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="plan"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(
        blank=True, help_text="How the plan will deliver the recommendation."
    )
    is_example = models.BooleanField(default=False, help_text="Illustrative demonstration data.")
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    def __str__(self) -> str:
        return f"Action plan for recommendation {self.recommendation.number}"

    def clean(self):
        super().clean()
        refuse_move(self, "recommendation", "A plan cannot move to another recommendation.")

    @property
    def service_id(self) -> int:
        return self.recommendation.service_id


class ActionQuerySet(models.QuerySet):
    def for_user(self, user) -> ActionQuerySet:
        return self.filter(
            plan__recommendation__inspection__service__in=Service.objects.for_user(user)
        )

    def updatable_by(self, user) -> ActionQuerySet:
        """`permissions.can_update_action` as a query: the actions the user may update."""
        editable = perms.services_with(user, perms.EDITOR_ROLES)
        board = perms.services_with(user, {Role.MEMBER, Role.CHAIR})
        service = "plan__recommendation__inspection__service_id"
        theirs = Q(owner__user=user) | Q(plan__recommendation__board_owner__user=user)
        return self.for_user(user).filter(
            Q(**{f"{service}__in": editable}) | (Q(**{f"{service}__in": board}) & theirs)
        )

    def open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.open().filter(current_due_date__lt=today)


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"
        SUPERSEDED = "superseded", "Superseded"

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(help_text="Order within the plan, e.g. 1 for 2.1.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="owned_actions")
    start_date = models.DateField()
    original_due_date = models.DateField(help_text="Never changes once set.")
    current_due_date = models.DateField(help_text="Changes only by an approved date change.")
    success_measure = models.TextField(help_text="How we will know it has worked.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    status_reason = models.TextField(blank=True, help_text="Why it was cancelled or superseded.")
    version = models.PositiveIntegerField(default=1)
    # The current position: a copy of what the update log says (its latest entry), kept by
    # `actions.services.progress.position_refresh` in the transaction that writes the log,
    # so lists and the board read it without reading the log. Never edited by hand.
    latest_update = models.ForeignKey(
        "ProgressUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    latest_rag = models.CharField(
        "latest RAG", max_length=10, choices=RAG.choices, blank=True, editable=False
    )
    latest_percent = models.PositiveSmallIntegerField(
        "latest % complete", null=True, blank=True, editable=False
    )
    latest_update_date = models.DateField(null=True, blank=True, editable=False)

    POSITION_FIELDS = ("latest_update", "latest_rag", "latest_percent", "latest_update_date")

    history = HistoricalRecords(excluded_fields=["version", *POSITION_FIELDS])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        indexes = [
            # The lists sort by due date (and filter overdue) or by last update.
            models.Index(fields=["current_due_date", "id"], name="action_due_idx"),
            models.Index(fields=["latest_update_date", "id"], name="action_last_update_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(original_due_date__gte=models.F("start_date")),
                name="action_original_due_not_before_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(current_due_date__gte=models.F("start_date")),
                name="action_current_due_not_before_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.UniqueConstraint(
                fields=["plan", "number"], name="action_number_unique_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("action_detail", args=[self.pk])

    def clean(self):
        super().clean()
        refuse_move(self, "plan", "An action cannot move to another plan.")
        if self.plan_id and self.owner_id and self.owner.service_id != self.plan.service_id:
            raise ValidationError({"owner": "Choose an owner from this service."})
        if self.start_date and self.original_due_date and self.original_due_date < self.start_date:
            raise ValidationError(
                {"original_due_date": "The due date cannot be before the start date."}
            )

    @property
    def reference(self) -> str:
        return f"{self.plan.recommendation.number}.{self.number}"

    @property
    def service_id(self) -> int:
        return self.plan.service_id

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.current_due_date < today


class ActionChildQuerySet(models.QuerySet):
    """Rows that belong to an action: scoped to the user's services through it."""

    def for_user(self, user):
        return self.filter(action__in=Action.objects.for_user(user))


def plan_import_upload_to(instance: PlanImport, filename: str) -> str:
    """A generated name: the uploaded file's name is kept only as data."""
    import uuid

    return f"plan-imports/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}"


class PlanImportQuerySet(models.QuerySet):
    def for_user(self, user) -> PlanImportQuerySet:
        return self.filter(service__in=Service.objects.for_user(user))


class PlanImport(models.Model):
    """An action plan brought in from a file (XLSX, CSV or Word): the file as uploaded, the
    columns chosen, and, once saved, what it created. Drafts are previews, never half-saved."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Previewed, not saved"
        SAVED = "saved", "Saved"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="plan_imports")
    source = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        related_name="plan_imports",
        help_text="The source whose recommendations the plan answers.",
    )
    file = models.FileField(upload_to=plan_import_upload_to)
    original_filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict, blank=True, help_text="{field: column heading}")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_imports"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    objects = PlanImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.get_status_display().lower()})"


class UpdateLink(models.Model):
    """A link that lets one person update one action without an account.

    Sent by a manager (or, with their consent, in the person's reminder e-mails). The URL
    carries a random secret, stored here only as its SHA-256, and a signature over the
    link, action and person; it expires, can be revoked, and opens nothing but that action's
    update page. Updates made through it are recorded as by the person, via this link, with
    the manager who sent it as the accountable author (`ProgressUpdate.link`).
    """

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="update_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="update_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="update_links_sent",
        help_text="The manager who sent the link (and is accountable for it).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(blank=True)
    in_reminders = models.BooleanField(
        default=False, help_text="Send a fresh link with this person's reminders for the action."
    )
    by_reminder = models.BooleanField(
        default=False, help_text="Created for a reminder e-mail, on the sender's consent."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="update_links_revoked",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ActionChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Link for {self.person} to update {self.action.reference}"

    @property
    def service_id(self) -> int:
        return self.action.service_id

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ProgressUpdateQuerySet(ActionChildQuerySet):
    def standing(self, until: datetime.datetime | None = None) -> ProgressUpdateQuerySet:
        """Updates no correction had replaced by `until` (now if None): the ones that can be
        an action's position, the first of them in `ProgressUpdate.LATEST_FIRST` order."""
        corrections = ProgressUpdate.objects.filter(corrects_id=models.OuterRef("pk"))
        if until is not None:
            corrections = corrections.filter(created_at__lte=until)
        return self.exclude(models.Exists(corrections))


class ProgressUpdate(models.Model):
    """One dated entry in an action's log. Never edited: a correction is a new update that
    names the update it corrects and why; the corrected one stays in the log, marked as
    corrected, and no longer counts as the action's position."""

    # An action's latest update is the first in this order (the one rule; see
    # `actions.services.progress.positions_refresh` and `actions.reports`).
    LATEST_FIRST = ("-date", "-created_at", "-pk")

    class DatePrecision(models.TextChoices):
        DAY = "day", "Dated"
        MONTH = "month", "Month only"
        IMPORT_DAY = "import_day", "Not dated in the imported plan: dated the day it was imported"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    date = models.DateField()
    date_precision = models.CharField(
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Imported updates may give only a month, or no date at all.",
    )
    narrative = models.TextField()
    rag = models.CharField(
        "RAG status",
        max_length=10,
        choices=RAG.choices,
        blank=True,
        help_text="Blank only for an imported update whose plan gave no RAG for it.",
    )
    percent_complete = models.PositiveSmallIntegerField(
        "% complete",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, "The percentage complete must be between 0 and 100.")],
        help_text="Blank only for an imported update whose plan gave no percentage.",
    )
    imported_in = models.ForeignKey(
        PlanImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        help_text="The plan import that brought this update in.",
    )
    link = models.ForeignKey(
        UpdateLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        help_text="For an update made by link: the link (its person, `on_behalf_of`, made "
        "it; the author is the manager who sent it).",
    )
    reason = models.TextField(blank=True, help_text="Why it is at risk or off track.")
    recovery_step = models.TextField(blank=True, help_text="What will bring it back on track.")
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The earlier update this one corrects.",
    )
    correction_reason = models.TextField(
        blank=True, help_text="Why the earlier update was wrong (a correction needs one)."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    on_behalf_of = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates_on_behalf",
        help_text="The person the author logged it for (a partner without a login, say), or "
        "who made it through a partner link.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-date", "-created_at"]
        get_latest_by = ["date", "created_at"]
        indexes = [
            models.Index(
                fields=["action", "-date", "-created_at", "-id"], name="update_action_latest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="update_correction_has_a_reason",
                violation_error_message="Say why the update is being corrected.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="update_percent_complete_0_100",
                violation_error_message="The percentage complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(rag__in=[RAG.GREEN, RAG.BLUE, ""])
                | (~Q(reason="") & ~Q(recovery_step="")),
                name="update_amber_red_needs_reason_and_recovery",
                violation_error_message=AMBER_RED_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        rag = self.get_rag_display() or "RAG not recorded"
        return f"{self.action.reference} update {self.date:%d %b %Y} ({rag})"

    @property
    def author_label(self) -> str:
        """Who the update is by, in words (select `author` and `on_behalf_of`)."""
        return author_words(
            author=str(self.author),
            on_behalf_of=self.on_behalf_of.name if self.on_behalf_of_id else None,
            via_link=self.link_id is not None,
            imported=self.imported_in_id is not None,
        )

    @property
    def service_id(self) -> int:
        return self.action.service_id

    @property
    def percent_label(self) -> str:
        if self.percent_complete is None:
            return "% not recorded"
        return f"{self.percent_complete}% complete"

    @property
    def date_label(self) -> str:
        """The date in words, as precisely as its source gave it."""
        if self.date_precision == self.DatePrecision.MONTH:
            return f"{self.date:%B %Y}"
        text = f"{self.date:%-d %B %Y}"
        if self.date_precision == self.DatePrecision.IMPORT_DAY:
            return f"{text} (the day it was imported: the plan gave no date)"
        return text


def author_words(*, author: str, on_behalf_of: str | None, via_link: bool, imported: bool) -> str:
    """Who an update is by: "manager", "manager on behalf of Police lead", "Police lead, via
    a link sent by manager", or "manager (brought in from the earlier plan)"."""
    if imported:
        return f"{author} (brought in from the earlier plan)"
    if via_link and on_behalf_of:
        return f"{on_behalf_of}, via a link sent by {author}"
    if on_behalf_of:
        return f"{author} on behalf of {on_behalf_of}"
    return author


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: the user's file name is kept only as data, never as a path."""
    import uuid

    return f"evidence/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=evidence_upload_to, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    link = models.URLField(blank=True, max_length=1000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added"
    )
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn = models.BooleanField(default=False)
    withdrawn_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ActionChildQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-added_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""),
                name="evidence_has_file_or_link",
                violation_error_message="Evidence needs a file or a link.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def service_id(self) -> int:
        return self.action.service_id


class DueDateChange(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the chair"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="date_changes")
    previous_due_date = models.DateField()
    requested_due_date = models.DateField()
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="date_changes_requested"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="date_changes_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    objects = ActionChildQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(status="pending"),
                name="one_pending_date_change_per_action",
                violation_error_message="This action already has a date change awaiting the chair.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action.reference}: {self.previous_due_date} → {self.requested_due_date}"

    @property
    def service_id(self) -> int:
        return self.action.service_id


class MeasureQuerySet(models.QuerySet):
    def for_user(self, user) -> MeasureQuerySet:
        return self.filter(recommendation__in=Recommendation.objects.for_user(user))


class Measure(models.Model):
    """A measure of impact: a quantity with a baseline, a target and dated readings."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="measures"
    )
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=50, blank=True, help_text="e.g. %, children")
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_date = models.DateField()
    higher_is_better = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        refuse_move(self, "recommendation", "A measure cannot move to another recommendation.")

    @property
    def service_id(self) -> int:
        return self.recommendation.service_id


class MeasureReading(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="measure_readings"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "date"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "date"], name="one_reading_per_measure_date")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} on {self.date}"

    def clean(self):
        super().clean()
        refuse_move(self, "measure", "A reading cannot move to another measure.")


class BoardMeetingQuerySet(models.QuerySet):
    def for_user(self, user) -> BoardMeetingQuerySet:
        return self.filter(board__service__in=Service.objects.for_user(user))


class BoardMeeting(models.Model):
    """A dated meeting of a service's board. Chairs and managers schedule them in the app;
    packs are issued to them (`IssuedPack`)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = BoardMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["board", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "date"],
                name="one_meeting_per_board_date",
                violation_error_message="The board already has a meeting on that date.",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Board meeting, {self.date.day} {self.date:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])

    @property
    def service_id(self) -> int:
        return self.board.service_id


def issued_pack_upload_to(instance: IssuedPack, filename: str) -> str:
    """A generated name; the download gives the file a readable name."""
    import uuid

    return f"packs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix}"


class IssuedPackQuerySet(models.QuerySet):
    def for_user(self, user) -> IssuedPackQuerySet:
        return self.filter(meeting__board__service__in=Service.objects.for_user(user))


class IssuedPack(models.Model):
    """A board pack as issued to a meeting: its PDF and XLSX, rendered once, stored, never
    changed, with their SHA-256 so anyone can check a copy against the record."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.PROTECT, related_name="packs")
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.PROTECT, related_name="issued_packs"
    )
    as_at = models.DateTimeField(help_text="The moment the position in the pack was taken.")
    since = models.DateTimeField(
        null=True, blank=True, help_text='The start of its "what changed" section.'
    )
    protective_marking = models.CharField(max_length=30, blank=True)
    pdf = models.FileField(upload_to=issued_pack_upload_to, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    xlsx = models.FileField(upload_to=issued_pack_upload_to)
    xlsx_sha256 = models.CharField("XLSX SHA-256", max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="packs_issued"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    objects = IssuedPackQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        issued = timezone.localtime(self.issued_at)
        return f"Board pack for {self.meeting}, issued {issued.day} {issued:%B %Y %H:%M}"

    @property
    def service_id(self) -> int:
        return self.meeting.service_id

    def clean(self):
        super().clean()
        refuse_move(self, "board", "A meeting cannot move to another board.")


class Transition(models.Model):
    """Append-only log of every lifecycle move: who, when, from, to and why.

    `from_status` and `to_status` always hold status codes of the subject: for a due date,
    the date change's own statuses ("" -> pending when asked, pending -> approved or
    declined when decided), with the dates themselves in `old_due_date` and `new_due_date`.
    """

    class Subject(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        PLAN = "plan", "Action plan"
        ACTION = "action", "Action"
        DUE_DATE = "due_date", "Due date"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="transitions"
    )
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="transitions"
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    reason = models.TextField(blank=True)
    old_due_date = models.DateField(
        null=True, blank=True, help_text="Due date changes: the due date before the change."
    )
    new_due_date = models.DateField(
        null=True, blank=True, help_text="Due date changes: the date asked for or decided."
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transitions"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        if self.subject == self.Subject.DUE_DATE:
            return f"Due date {self.old_due_date} → {self.new_due_date}: {self.to_status}"
        return f"{self.get_subject_display()} {self.from_status or '–'} → {self.to_status}"


class ReminderSent(models.Model):
    """One e-mail accepted by the mail server: the log that stops a reminder going twice.

    `period_key` names the reminder's window (see `actions.reminders`), so a run on any day
    of the window finds it already sent. A row is written only after the mail server took
    the message; a failed send leaves no row, and the next run tries again.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due date coming up"
        OVERDUE = "overdue", "Overdue"
        NUDGE = "nudge", "No update lately"
        DIGEST = "digest", "Chair's weekly digest"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminders_sent")
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders_sent"
    )
    period_key = models.DateField(help_text="The first day of the reminder's window.")
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            # Two partial constraints: NULLs are distinct in a unique index, so the digest
            # (no action) needs its own.
            models.UniqueConstraint(
                fields=["kind", "person", "action", "period_key"],
                condition=Q(action__isnull=False),
                name="reminder_sent_once_per_action_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "person", "period_key"],
                condition=Q(action__isnull=True),
                name="reminder_sent_once_per_person_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.sent_to} ({self.period_key})"


class CalendarFeed(models.Model):
    """A login's secret calendar address: the due dates of the open actions they own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


# Personal API tokens live with the API (actions/api/); importing the model here registers it
# with the actions app.
from actions.api.models import ApiToken  # noqa: E402, F401

# A model of this app kept in its own module; imported here so Django registers it.
from actions.notification_model import Notification  # noqa: E402, F401
