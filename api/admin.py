"""API tokens in the administration: staff create one for a person or a named system, see its secret once, revoke."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken
from .services import api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "state"]
    list_filter = [("user", admin.EmptyFieldListFilter), "revoked_at"]
    search_fields = ["name", "prefix"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    fields = ["name", "user", "expires_at", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token's owner and name stay what it was created for; revoke it and create another instead.
        if obj is not None:
            return [*self.readonly_fields, "name", "user", "expires_at"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the list keeps who had access and until when

    @admin.display(description=_("state"))
    def state(self, token):
        if token.revoked_at:
            return _("revoked")
        if token.expires_at and token.expires_at <= timezone.now():
            return _("expired")
        return _("usable")

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, text = api_token_create(name=obj.name, user=obj.user, expires_at=obj.expires_at, created_by=request.user)
        obj.pk = token.pk
        obj.prefix, obj.secret_hash, obj.created_at = token.prefix, token.secret_hash, token.created_at
        messages.warning(
            request,
            _("The token, shown this once (copy it now; only its hash is kept): %(token)s") % {"token": text},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens)) % {"count": len(tokens)},
            messages.SUCCESS,
        )
