"""Personal API tokens in the admin: seen, and revoked through `tokens.api_token_revoke` (so
the revocation is recorded with who and when); never made, edited or deleted here."""

from django.contrib import admin

from actions.api import tokens
from actions.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.is_superuser  # as `tokens.api_token_revoke` requires

    @admin.action(description="Revoke the selected API tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = sum(
            tokens.api_token_revoke(token=token, by=request.user)
            for token in queryset.select_related("user")
        )
        self.message_user(request, f"{revoked} API token{'' if revoked == 1 else 's'} revoked.")
