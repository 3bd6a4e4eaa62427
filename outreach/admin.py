from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Invitation


class InvitationAddForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "language", "role", "cluster", "service_areas"]

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Invitation.Role.MANAGER and not cleaned.get("cluster"):
            self.add_error("cluster", _("Choose the cluster the person will manage."))
        if role == Invitation.Role.EXPERT and not cleaned.get("service_areas"):
            self.add_error("service_areas", _("Choose at least one service area."))
        refusal = services.invitation_create_refusal(
            email=cleaned.get("email") or "", role=role, cluster=cleaned.get("cluster")
        )
        if refusal:
            self.add_error("email", refusal)
        return cleaned

    def validate_constraints(self, exclude=None):
        # The service decides (an existing account gets the role at once); its errors come back at the fields.
        pass


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "cluster", "language", "state_display", "sent_at", "expires_at", "invited_by"]
    list_filter = ["role", "language", ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["email", "first_name", "last_name", "cluster__name"]
    list_select_related = ["cluster", "invited_by"]
    autocomplete_fields = ["cluster"]
    filter_horizontal = ["service_areas"]
    actions = ["resend", "revoke"]
    readonly_fields = [
        "email",
        "first_name",
        "last_name",
        "language",
        "role",
        "cluster",
        "service_areas",
        "invited_by",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]

    @admin.display(description=_("state"))
    def state_display(self, invitation):
        return Invitation.State(invitation.state()).label

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return InvitationAddForm.Meta.fields
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # an invitation is read here; it changes only by the actions (re-send, revoke)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record says who was invited when

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        invitation = services.invitation_create(
            email=data["email"],
            role=data["role"],
            cluster=data.get("cluster"),
            service_areas=data.get("service_areas") or [],
            language=data["language"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            by=request.user,
        )
        obj.pk = invitation.pk
        if invitation.accepted_at:
            self.message_user(request, _("%(email)s already has an account: the role is added.") % {"email": obj.email})

    def save_related(self, request, form, formsets, change):
        pass  # the service set the service areas

    @admin.action(description=_("Send again (a new link, valid from now)"))
    def resend(self, request, queryset):
        done = self._apply(request, queryset, services.invitation_resend)
        if done:
            self.message_user(
                request,
                ngettext("%(count)s invitation sent again.", "%(count)s invitations sent again.", done)
                % {"count": done},
            )

    @admin.action(description=_("Revoke"))
    def revoke(self, request, queryset):
        done = self._apply(request, queryset, services.invitation_revoke)
        if done:
            self.message_user(
                request,
                ngettext("%(count)s invitation revoked.", "%(count)s invitations revoked.", done) % {"count": done},
            )

    def _apply(self, request, queryset, service) -> int:
        done = 0
        for invitation in queryset:
            try:
                service(invitation=invitation, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{invitation.email}: {' '.join(error.messages)}", messages.WARNING)
            else:
                done += 1
        return done
