"""Data entry for inspections, frameworks, services, boards and people.

What the workflow owns is not for the admin to change (docs/admin.md lists each field):
status and closure fields are read-only; a record never moves to another service,
inspection or board once created (read-only on change here, and refused by the models'
`clean`); recommendations are saved through `inspections.services.recommendation_save`;
field history is shown with who and when, and is never restored from here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from inspections import services
from inspections.models import (
    Board,
    BoardMembership,
    Domain,
    Finding,
    Framework,
    Inspection,
    Inspectorate,
    KeyQuestion,
    KeyQuestionResult,
    OversightViewer,
    Person,
    RatingLevel,
    Recommendation,
    Region,
    ScoreBand,
    Service,
    ServiceRole,
    Standard,
    StandardRating,
    Theme,
)


class HistoryAdmin(SimpleHistoryAdmin):
    """Field history, with who and when, to read. Never restored: saving an earlier version
    again would undo workflow moves without their Transition rows (a closed recommendation
    reopened, its closure summary gone, with the admin log saying "No fields changed").

    `locked_on_change` names the fields that tie a record to its service (its inspection,
    board, plan...): editable when the record is added, read-only afterwards."""

    locked_on_change: tuple[str, ...] = ()

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("An earlier version is a record to read: it cannot be saved.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [f for f in self.locked_on_change if f not in fields]
        return fields


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ServiceRoleInline(admin.TabularInline):
    model = ServiceRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "local_authority", "region"]
    list_filter = ["region"]
    search_fields = ["name", "local_authority"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["region"]
    inlines = [ServiceRoleInline]
    actions = ["import_report"]

    @admin.action(description="Import an inspection report for the selected service")
    def import_report(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select one service to import a report for.", "error")
            return None
        return redirect(f"{reverse('import_start')}?service={queryset.get().pk}")


@admin.register(ServiceRole)
class ServiceRoleAdmin(HistoryAdmin):
    list_display = ["user", "service", "role"]
    list_filter = ["role", "service"]
    search_fields = ["user__username", "user__email", "service__name"]
    autocomplete_fields = ["user", "service"]
    list_select_related = ["user", "service"]


@admin.register(OversightViewer)
class OversightViewerAdmin(HistoryAdmin):
    list_display = ["user", "region", "note"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__email", "note"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "region"]


class BoardMembershipInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Board)
class BoardAdmin(HistoryAdmin):
    list_display = ["name", "service"]
    locked_on_change = ("service",)
    search_fields = ["name", "service__name"]
    autocomplete_fields = ["service"]
    list_select_related = ["service"]
    inlines = [BoardMembershipInline]


@admin.register(BoardMembership)
class BoardMembershipAdmin(HistoryAdmin):
    locked_on_change = ("board",)
    list_display = [
        "person",
        "board",
        "board_role",
        "agency_represented",
        "active_from",
        "active_to",
    ]
    list_filter = ["board_role", "board"]
    search_fields = ["person__name", "agency_represented"]
    autocomplete_fields = ["board", "person"]
    list_select_related = ["person", "board"]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "job_title", "agency", "service", "email", "user", "is_active"]
    list_filter = ["service", "is_active", "agency"]
    search_fields = ["name", "job_title", "agency", "email"]
    autocomplete_fields = ["service", "user"]
    list_select_related = ["service", "user"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.owns_records():
            # Their actions and recommendations would follow them into the other service.
            return [*fields, "service"]
        return fields


@admin.register(Inspectorate)
class InspectorateAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name"]
    search_fields = ["name", "short_name"]


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


class ScoreBandInline(admin.TabularInline):
    model = ScoreBand
    extra = 0


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "inspectorate", "has_points"]
    list_filter = ["inspectorate", "has_points"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RatingLevelInline, ScoreBandInline, DomainInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    search_fields = ["name"]


class KeyQuestionInline(admin.TabularInline):
    model = KeyQuestion
    extra = 0


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "framework",
        "domain",
        "rated_from_key_questions",
        "counts_towards_score",
    ]
    list_filter = ["framework", "rated_from_key_questions", "counts_towards_score"]
    search_fields = ["code", "name"]
    list_select_related = ["framework", "domain"]
    autocomplete_fields = ["domain"]
    inlines = [KeyQuestionInline]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "standard", "order"]
    list_filter = ["standard__framework"]
    search_fields = ["text", "standard__code", "standard__name"]
    autocomplete_fields = ["standard"]
    list_select_related = ["standard"]


@admin.register(RatingLevel)
class RatingLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "rank", "points", "min_key_question_percent"]
    list_filter = ["framework"]
    search_fields = ["name"]
    list_select_related = ["framework"]


@admin.register(ScoreBand)
class ScoreBandAdmin(admin.ModelAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    list_select_related = ["framework", "level"]


class StandardRatingInline(admin.TabularInline):
    model = StandardRating
    extra = 0
    fields = ["standard", "level", "key_questions"]
    readonly_fields = ["key_questions"]
    autocomplete_fields = ["standard", "level"]
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("standard__framework", "level")
            .prefetch_related(
                "standard__framework__levels",
                Prefetch(
                    "key_question_results",
                    queryset=KeyQuestionResult.objects.select_related("key_question"),
                ),
            )
        )

    @admin.display(description="Key questions (% yes) and the rating they give")
    def key_questions(self, obj):
        if obj.pk is None:
            return "Save, then follow the rating's link to enter its key questions."
        results = list(obj.key_question_results.all())
        if not results:
            return "–"
        computed = obj.computed_level()
        percents = ", ".join(f"{r.percent}%" for r in results)
        note = f" → {computed}" if computed else ""
        if computed and obj.level_id and computed.pk != obj.level_id:
            note += f" (differs from the published {obj.level}: published kept)"
        return f"{percents}{note}"


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["standard", "kind", "text", "order"]
    autocomplete_fields = ["standard"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["number", "addressee", "text", "response", "board_owner", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["board_owner"]
    show_change_link = True


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin):
    list_display = [
        "__str__",
        "service",
        "kind",
        "author",
        "framework",
        "published_on",
        "published_rating",
        "published_score",
    ]
    list_filter = [
        "kind",
        "framework",
        "inspectorates",
        "service__region",
        "published_rating__name",
    ]
    search_fields = ["title", "author", "service__name"]
    autocomplete_fields = ["service", "framework", "published_rating", "inspectorates"]
    list_select_related = ["service", "framework", "published_rating"]
    date_hierarchy = "published_on"
    readonly_fields = ["score_comparison"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "service",
                    "kind",
                    "title",
                    "author",
                    "framework",
                    "inspectorates",
                    "is_example",
                ]
            },
        ),
        ("Dates", {"fields": ["fieldwork_start", "published_on", "published_month_only"]}),
        ("Document", {"fields": ["report_file", "report_url"]}),
        (
            "Published result",
            {"fields": ["published_rating", "published_score", "score_comparison"]},
        ),
    ]
    inlines = [StandardRatingInline, FindingInline, RecommendationInline]
    locked_on_change = ("service",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and (obj.ratings.exists() or obj.findings.exists()):
            return [*fields, "framework"]  # its ratings and findings are of this framework
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not Recommendation:
            return super().save_formset(request, form, formset, change)
        for rec in formset.save(commit=False):
            services.recommendation_save(recommendation=rec, by=request.user)
        for rec in formset.deleted_objects:
            rec.delete()
        formset.save_m2m()
        return None

    @admin.display(description="Computed and published, side by side")
    def score_comparison(self, obj):
        if obj.pk is None:
            return "Shown once the inspection and its ratings are saved."
        summary = obj.score_summary()
        rows = [
            ("Score", summary.computed_score, summary.published_score),
            ("Overall rating", summary.computed_rating, summary.published_rating),
        ]
        table = format_html(
            "<table><thead><tr><th></th><th>Computed from the ratings</th><th>Published</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
                (
                    (label, computed if computed is not None else "–", published or "–")
                    for label, computed, published in rows
                ),
            ),
        )
        warnings = format_html_join(
            "", "<p><strong>Warning:</strong> {}</p>", ((w,) for w in summary.warnings)
        )
        return format_html("{}{}", table, warnings)


class KeyQuestionResultInline(admin.TabularInline):
    model = KeyQuestionResult
    extra = 0
    autocomplete_fields = ["key_question"]


@admin.register(StandardRating)
class StandardRatingAdmin(HistoryAdmin):
    locked_on_change = ("inspection",)
    list_display = ["inspection", "standard", "level"]
    list_filter = ["level__name", "standard__framework"]
    search_fields = [
        "inspection__title",
        "inspection__service__name",
        "standard__code",
        "standard__name",
    ]
    autocomplete_fields = ["inspection", "standard", "level"]
    list_select_related = ["inspection__service", "standard", "level"]
    inlines = [KeyQuestionResultInline]


@admin.register(KeyQuestionResult)
class KeyQuestionResultAdmin(HistoryAdmin):
    locked_on_change = ("rating",)
    list_display = ["key_question", "percent", "rating"]
    search_fields = ["key_question__text"]
    autocomplete_fields = ["rating", "key_question"]
    list_select_related = [
        "key_question",
        "rating__standard",
        "rating__level",
        "rating__inspection__service",
    ]


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    locked_on_change = ("inspection",)
    list_display = ["__str__", "inspection", "kind"]
    list_filter = ["kind", "standard__code"]
    search_fields = ["text", "inspection__title", "inspection__service__name"]
    autocomplete_fields = ["inspection", "standard"]
    list_select_related = ["inspection__service", "standard"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RecommendationAdminForm(forms.ModelForm):
    """The findings and standards behind a recommendation are its own inspection's."""

    def clean(self):
        data = super().clean()
        inspection = data.get("inspection") or (
            self.instance.inspection if self.instance.inspection_id else None
        )
        if inspection is None:
            return data
        findings = data.get("findings") or []
        if any(f.inspection_id != inspection.pk for f in findings):
            self.add_error("findings", "Choose findings of this recommendation's inspection.")
        standards = data.get("standards") or []
        if any(s.framework_id != inspection.framework_id for s in standards):
            self.add_error("standards", "Choose standards of the inspection's framework.")
        return data


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    form = RecommendationAdminForm
    locked_on_change = ("inspection",)
    list_display = ["number", "short_text", "inspection", "board_owner", "response", "status"]
    list_filter = ["status", "response", "themes", "inspection__service"]
    search_fields = ["text", "addressee", "inspection__title", "inspection__service__name"]
    autocomplete_fields = ["inspection", "board_owner", "themes", "findings", "standards"]
    readonly_fields = ["status", "closure_summary"]
    list_select_related = ["inspection__service", "board_owner"]
    fields = [
        "inspection",
        "number",
        "addressee",
        "text",
        "response",
        "response_reason",
        "board_owner",
        "themes",
        "findings",
        "standards",
        "status",
        "closure_summary",
    ]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:80]

    def save_model(self, request, obj, form, change):
        services.recommendation_save(recommendation=obj, by=request.user)
