"""Services, boards, people, inspection frameworks, inspections and their recommendations.

Frameworks (domains, standards, key questions, rating levels and score bands) are rows,
loaded from data files in `inspections/frameworks/`; nothing here names a standard.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from inspections import rules


def moved(instance, field: str) -> bool:
    """Whether the foreign key `field` (its attname, e.g. "service_id") of a saved record
    differs from the stored one: a record never moves to another service, inspection, plan
    or board once created (the admin shows these read-only; forms call `clean`)."""
    if instance.pk is None:
        return False
    stored = type(instance)._default_manager.filter(pk=instance.pk).values_list(field, flat=True)
    return bool(stored) and stored[0] != getattr(instance, field)


def refuse_move(instance, field: str, message: str) -> None:
    if moved(instance, f"{field}_id"):
        raise ValidationError({field: message})


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet):
    def for_user(self, user) -> ServiceQuerySet:
        """The services a signed-in user belongs to (every service for a superuser): those
        where they hold a role, every service of a region they oversee, and every service for
        a national viewer."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        national = OversightViewer.objects.filter(user=user, region__isnull=True)
        regions = OversightViewer.objects.filter(user=user, region__isnull=False).values(
            "region_id"
        )
        return self.filter(
            Q(pk__in=ServiceRole.objects.filter(user=user).values("service_id"))
            | Q(region_id__in=regions)
            | Exists(national)
        )


class ProtectiveMarking(models.TextChoices):
    """Government Security Classifications markings a board pack may carry."""

    NONE = "", "None"
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Service(models.Model):
    """A youth offending / youth justice service of one local authority."""

    name = models.CharField(max_length=200, unique=True, help_text="e.g. Knowsley YOS")
    slug = models.SlugField(unique=True)
    local_authority = models.CharField(max_length=200, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="services")
    protective_marking = models.CharField(
        max_length=30,
        choices=ProtectiveMarking.choices,
        blank=True,
        default=ProtectiveMarking.NONE,
        help_text="Printed at the top and bottom of the board pack (page, PDF and XLSX).",
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    CHAIR = "chair", "Board chair"
    MANAGER = "manager", "YOS manager"
    MEMBER = "member", "Board member"
    VIEWER = "viewer", "Viewer"


class ServiceRole(models.Model):
    """A login's role in one service. A user may hold roles in several services."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_roles"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["service__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="one_role_per_user_service")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.service}"


class BoardQuerySet(models.QuerySet):
    def for_user(self, user) -> BoardQuerySet:
        return self.filter(service__in=Service.objects.for_user(user))


class OversightViewer(models.Model):
    """Read-only oversight across services without a role in each: every service of a region,
    or (no region) every service in the country. Reads the overview, dashboards and packs;
    changes nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oversight"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="oversight_viewers",
        help_text="Leave blank for a national viewer (every service).",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="e.g. YJB regional oversight manager"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username", "region__name"]
        verbose_name = "regional or national viewer"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=Q(region__isnull=False),
                name="one_oversight_per_user_region",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(region__isnull=True),
                name="one_national_oversight_per_user",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.user}: {'viewer of ' + str(self.region) if self.region else 'national viewer'}"
        )


class Board(models.Model):
    """The service's management board (YJMB)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="board")
    name = models.CharField(
        max_length=200, help_text="e.g. Knowsley Youth Justice Management Board"
    )

    history = HistoricalRecords()
    objects = BoardQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        refuse_move(self, "service", "A board cannot move to another service.")


class PersonQuerySet(models.QuerySet):
    def for_user(self, user) -> PersonQuerySet:
        return self.filter(service__in=Service.objects.for_user(user))


class Person(models.Model):
    """Someone who can own a recommendation or an action, with or without a login."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=200, help_text="A name, or a role title such as 'Chair'.")
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.CharField(
        max_length=200, blank=True, help_text="The agency the person represents, e.g. Police."
    )
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text="Their login, if they have one.",
    )
    is_active = models.BooleanField(default=True)
    wants_digest = models.BooleanField(
        "Weekly digest",
        default=True,
        help_text="Board chairs: a weekly e-mail of decisions awaiting them and what changed.",
    )
    wants_nudges = models.BooleanField(
        "'No update lately' reminders",
        default=True,
        help_text="An e-mail when an action they own has had no progress update for a while.",
    )
    wants_notifications = models.BooleanField(
        "Notification e-mails",
        default=True,
        help_text=(
            "An e-mail when something happens to their work: a plan or closure decided, a "
            "recommendation reopened, a date change decided, an update on their action."
        ),
    )

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["service__name", "name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.job_title})" if self.job_title else self.name

    def owns_records(self) -> bool:
        """Whether anything of the service's record names them: actions, recommendations,
        board memberships."""
        return self.pk is not None and (
            self.owned_actions.exists()
            or self.owned_recommendations.exists()
            or self.board_memberships.exists()
        )

    def clean(self):
        super().clean()
        if moved(self, "service_id") and self.owns_records():
            raise ValidationError(
                {
                    "service": "This person owns actions, recommendations or a board seat "
                    "in their service: they cannot move to another service. Add them to the "
                    "other service as a new person instead."
                }
            )


class BoardMembership(models.Model):
    class BoardRole(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="board_memberships")
    board_role = models.CharField(
        max_length=20, choices=BoardRole.choices, default=BoardRole.MEMBER
    )
    agency_represented = models.CharField(max_length=200, blank=True)
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "board_role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="board_membership_ends_after_start",
                violation_error_message="A membership cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_board_role_display()}"

    def clean(self):
        super().clean()
        refuse_move(self, "board", "A membership cannot move to another board.")
        if self.board_id and self.person_id and self.person.service_id != self.board.service_id:
            raise ValidationError({"person": "Choose a person from the board's own service."})


# --- Frameworks ---------------------------------------------------------------------


class Inspectorate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, unique=True, help_text="e.g. HMIP, Ofsted")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name


class Framework(models.Model):
    """An inspection framework: its standards, rating levels and scoring, all as rows."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    inspectorate = models.ForeignKey(
        Inspectorate, on_delete=models.PROTECT, related_name="frameworks"
    )
    has_points = models.BooleanField(
        default=True, help_text="Whether ratings carry points that add up to a published score."
    )
    description = models.TextField(blank=True)
    unknowns = models.TextField(
        blank=True,
        help_text="What the published material does not state, one point a line "
        "(e.g. 'Points: not published').",
    )

    class Meta:
        ordering = ["inspectorate__short_name", "name"]

    def __str__(self) -> str:
        return self.name

    def unknown_list(self) -> list[str]:
        """The points the published material leaves open, one a line."""
        return [line.strip() for line in self.unknowns.splitlines() if line.strip()]


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What the domain covers, as published.")

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="domain_number_unique_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Standard(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, null=True, blank=True, related_name="standards"
    )
    code = models.CharField(max_length=10, help_text="e.g. 2.1")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rated_from_key_questions = models.BooleanField(
        default=False, help_text="Case-based: the rating follows the lowest key-question %."
    )
    counts_towards_score = models.BooleanField(
        default=True, help_text="Off for standards rated outside the total (e.g. resettlement)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="standard_code_unique_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class KeyQuestion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="key_questions")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["standard", "order"]

    def __str__(self) -> str:
        return self.text


class RatingLevel(models.Model):
    """A rating a framework gives, e.g. Good: 2 points, from 65% on the lowest key question."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=50)
    rank = models.PositiveSmallIntegerField(help_text="Higher is better.")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    min_key_question_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The lowest key-question % that earns this rating (blank: not from %).",
    )

    class Meta:
        ordering = ["framework", "-rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="level_name_unique"),
            models.UniqueConstraint(fields=["framework", "rank"], name="level_rank_unique"),
            models.CheckConstraint(
                condition=Q(min_key_question_percent__isnull=True)
                | Q(min_key_question_percent__lte=100),
                name="level_min_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScoreBand(models.Model):
    """A range of total score that gives an overall rating, e.g. 19–30 is Good."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="score_bands")
    level = models.ForeignKey(RatingLevel, on_delete=models.CASCADE, related_name="score_bands")
    min_total = models.PositiveSmallIntegerField()
    max_total = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "min_total"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_total__gte=models.F("min_total")),
                name="score_band_max_not_below_min",
            )
        ]

    def __str__(self) -> str:
        return f"{self.min_total}–{self.max_total}: {self.level}"


# --- Inspections --------------------------------------------------------------------


class InspectionQuerySet(models.QuerySet):
    def for_user(self, user) -> InspectionQuerySet:
        return self.filter(service__in=Service.objects.for_user(user))


class Inspection(models.Model):
    """A source of recommendations: an inspection under a framework, or a source without a
    rating framework (a thematic inspection, a safeguarding practice review, YJB oversight,
    a National Standards audit, an internal audit, a peer review, the youth justice plan).

    The model keeps its historical name (every recommendation, plan and pack refers to it);
    pages and the README call these "sources". See README, "Sources of recommendations".
    """

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "Inspection"
        JOINT_INSPECTION = "joint_inspection", "Joint targeted area inspection"
        THEMATIC = "thematic_inspection", "Thematic inspection"
        SAFEGUARDING_REVIEW = "safeguarding_review", "Child safeguarding practice review"
        YJB_OVERSIGHT = "yjb_oversight", "YJB oversight"
        NATIONAL_STANDARDS = "national_standards", "National Standards audit"
        INTERNAL_AUDIT = "internal_audit", "Internal audit"
        PEER_REVIEW = "peer_review", "Peer review"
        YOUTH_JUSTICE_PLAN = "youth_justice_plan", "Youth justice plan"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(
        max_length=30,
        choices=Kind.choices,
        default=Kind.INSPECTION,
        help_text="What kind of source the recommendations come from.",
    )
    author = models.CharField(
        max_length=200,
        blank=True,
        help_text="The body that wrote it, e.g. 'Knowsley Safeguarding Children Partnership' "
        "(blank for an inspection: its inspectorates are shown).",
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        help_text="The rating framework, for an inspection; blank for a source without ratings.",
    )
    inspectorates = models.ManyToManyField(
        Inspectorate,
        related_name="inspections",
        blank=True,
        help_text="The inspectorate, or every inspectorate of a joint inspection (blank for a "
        "source no inspectorate wrote).",
    )
    title = models.CharField(max_length=200, blank=True, help_text="Blank: built from the service.")
    fieldwork_start = models.DateField(null=True, blank=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="Publication date (the 1st when only the month is known)."
    )
    published_month_only = models.BooleanField(
        default=False, help_text="Tick when the report gives only the month of publication."
    )
    report_file = models.FileField(upload_to="reports/%Y/", blank=True)
    report_url = models.URLField(blank=True, help_text="A link to the document, if published.")
    published_rating = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The overall rating as published.",
    )
    published_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The total score as published (blank when none)."
    )
    is_example = models.BooleanField(default=False, help_text="Demonstration data.")
    basis = models.TextField(
        blank=True,
        help_text="What this record is taken from when it is not the full report, e.g. "
        "'The inspectorate's press release of 14 June 2019'.",
    )

    history = HistoricalRecords()
    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["service__name", "-published_on"]
        verbose_name = "source"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="inspection") | Q(framework__isnull=False),
                name="an_inspection_has_a_framework",
                violation_error_message="An inspection needs its framework.",
            )
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        return self.untitled_name(self.kind, str(self.service), self.published_on)

    def get_absolute_url(self) -> str:
        return reverse("inspection_detail", args=[self.pk])

    @classmethod
    def untitled_name(cls, kind: str, service_name: str, published_on) -> str:
        """The name of an untitled source (the pages' and the API's)."""
        year = published_on.year if published_on else "undated"
        if kind == cls.Kind.INSPECTION:
            return f"{service_name} {year}"
        return f"{cls.Kind(kind).label}: {service_name} {year}"

    @property
    def is_inspection(self) -> bool:
        """Rated under a framework: shown as an inspection, with its ratings."""
        return self.framework_id is not None

    @property
    def noun(self) -> str:
        """What pages call it: "inspection" when it has a framework, else "source"."""
        return "inspection" if self.is_inspection else "source"

    def clean(self):
        super().clean()
        refuse_move(self, "service", "An inspection cannot move to another service.")
        if moved(self, "framework_id") and (self.ratings.exists() or self.findings.exists()):
            raise ValidationError(
                {"framework": "The inspection has ratings or findings under its framework."}
            )
        if self.kind == self.Kind.INSPECTION and not self.framework_id:
            raise ValidationError({"framework": "An inspection needs its framework."})
        if not self.framework_id and (self.published_rating_id or self.published_score is not None):
            raise ValidationError(
                {"published_rating": "A source without a framework has no rating or score."}
            )
        if (
            self.published_rating_id
            and self.framework_id
            and self.published_rating.framework_id != self.framework_id
        ):
            raise ValidationError(
                {"published_rating": "Choose a rating of the inspection's framework."}
            )

    def score_summary(self) -> rules.ScoreSummary:
        """Computed score and rating next to the published ones (uses prefetched ratings)."""
        if self.framework is None:
            return rules.summarise_score(
                has_points=False,
                ratings=[],
                bands=[],
                levels=[],
                scored_standards=0,
                published_score=None,
                published_rating=None,
            )
        levels = list(self.framework.levels.all())
        bands = list(self.framework.score_bands.all())
        ratings = [(r.standard.counts_towards_score, r.level) for r in self.ratings.all()]
        return rules.summarise_score(
            has_points=self.framework.has_points,
            ratings=ratings,
            bands=bands,
            levels=levels,
            scored_standards=sum(
                1 for s in self.framework.standards.all() if s.counts_towards_score
            ),
            published_score=self.published_score,
            published_rating=self.published_rating,
        )


class StandardRating(models.Model):
    """The rating an inspection gave one standard. A blank level means "not rated"."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="ratings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="ratings")
    level = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="As published. Leave blank for 'not rated'.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "standard__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "standard"],
                name="one_rating_per_standard_per_inspection",
                violation_error_message="This inspection already has a rating for that standard.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard.code}: {self.level or 'Not rated'}"

    def clean(self):
        super().clean()
        refuse_move(self, "inspection", "A rating cannot move to another inspection.")
        if not self.inspection_id:
            return
        framework_id = self.inspection.framework_id
        if self.standard_id and self.standard.framework_id != framework_id:
            raise ValidationError({"standard": "Choose a standard of the inspection's framework."})
        if self.level_id and self.level.framework_id != framework_id:
            raise ValidationError({"level": "Choose a rating of the inspection's framework."})

    def computed_level(self):
        """The level the key questions give (None when not case-based or no results)."""
        if not self.standard.rated_from_key_questions:
            return None
        percents = [r.percent for r in self.key_question_results.all()]
        return rules.level_from_key_questions(percents, list(self.standard.framework.levels.all()))


class KeyQuestionResult(models.Model):
    rating = models.ForeignKey(
        StandardRating, on_delete=models.CASCADE, related_name="key_question_results"
    )
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="results")
    percent = models.PositiveSmallIntegerField(
        help_text="% of inspected cases answered 'Yes'.",
        validators=[MaxValueValidator(100, "A percentage must be between 0 and 100.")],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["rating", "key_question__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="key_question_percent_0_100",
                violation_error_message="A percentage must be between 0 and 100.",
            ),
            models.UniqueConstraint(
                fields=["rating", "key_question"], name="one_result_per_key_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_question}: {self.percent}%"

    def clean(self):
        super().clean()
        refuse_move(self, "rating", "A result cannot move to another rating.")
        if (
            self.rating_id
            and self.key_question_id
            and self.key_question.standard_id != self.rating.standard_id
        ):
            raise ValidationError({"key_question": "Choose a key question of the rated standard."})


class Finding(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    standard = models.ForeignKey(
        Standard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text="The standard it was stated for; blank when stated for a domain or the whole.",
    )
    domain = models.ForeignKey(
        Domain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text="The domain it was stated for, when no standard was named.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "standard__order", "domain__number", "kind", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard__isnull=True) | Q(domain__isnull=True),
                name="finding_for_a_standard_or_a_domain_not_both",
                violation_error_message="A finding is stated for a standard or a domain, not both.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level_label} {self.get_kind_display()}: {self.text[:60]}"

    @property
    def level_label(self) -> str:
        """Where the finding was stated: a standard, a domain, or the inspection as a whole."""
        if self.standard_id:
            return self.standard.code
        if self.domain_id:
            return f"Domain {self.domain.number} ({self.domain.name})"
        return "Overall"

    def clean(self):
        super().clean()
        refuse_move(self, "inspection", "A finding cannot move to another inspection.")
        if (
            self.inspection_id
            and self.standard_id
            and self.standard.framework_id != self.inspection.framework_id
        ):
            raise ValidationError({"standard": "Choose a standard of the inspection's framework."})


class Theme(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecommendationQuerySet(models.QuerySet):
    def for_user(self, user) -> RecommendationQuerySet:
        return self.filter(inspection__service__in=Service.objects.for_user(user))


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSURE_PROPOSED = "closure_proposed", "Closure proposed"
        CLOSED = "closed", "Closed"

    class Response(models.TextChoices):
        AGREED = "agreed", "Agreed"
        PARTLY_AGREED = "partly_agreed", "Partly agreed"
        NOT_AGREED = "not_agreed", "Not agreed"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    addressee = models.CharField(
        max_length=300, blank=True, help_text="As written, e.g. 'The Chair of the ... Board'."
    )
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    response_reason = models.TextField(
        blank=True, help_text="Why the service agreed, partly agreed or did not agree."
    )
    board_owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_recommendations",
        help_text="The board member accountable for this recommendation.",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="recommendations", help_text="The findings behind it."
    )
    standards = models.ManyToManyField(
        Standard, blank=True, related_name="recommendations", help_text="The standards behind it."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closure_summary = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                name="recommendation_number_unique_per_inspection",
                violation_error_message="This inspection already has a recommendation with that number.",
            )
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}: {self.text[:70]}"

    def get_absolute_url(self) -> str:
        return reverse("recommendation_detail", args=[self.pk])

    def clean(self):
        super().clean()
        refuse_move(self, "inspection", "A recommendation cannot move to another inspection.")
        if (
            self.inspection_id
            and self.board_owner_id
            and self.board_owner.service_id != self.inspection.service_id
        ):
            raise ValidationError({"board_owner": "Choose a board owner from this service."})

    @property
    def service_id(self) -> int:
        return self.inspection.service_id
