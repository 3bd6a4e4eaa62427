from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminEmailAuthenticationForm, AdminUserCreationForm
from .models import User

admin.site.login_form = AdminEmailAuthenticationForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "staff_party", "is_staff", "is_active", "language"]
    list_filter = ["is_staff", "is_active", "staff_party", "language"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "phone", "language")}),
        (_("Programme role"), {"fields": ("is_staff", "staff_party")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_superuser", "groups", "user_permissions"), "classes": ["collapse"]},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ("email", "first_name", "last_name", "is_staff", "staff_party", "password1", "password2"),
            },
        ),
    )
