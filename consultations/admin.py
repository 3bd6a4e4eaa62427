from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Expert, ServiceArea


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "languages", "is_active"]
    list_filter = ["is_active", "service_areas"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["service_areas"]
