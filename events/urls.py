from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/calendar.ics", views.event_ics, name="event-ics"),
    path("<int:pk>/apply/", views.participation_apply, name="participation-apply"),
    path("<int:pk>/funding-intent/", views.funding_intent_edit, name="funding-intent-edit"),
    path("<int:pk>/outcomes/", views.event_outcomes, name="event-outcomes"),
    path("applications/<int:pk>/", views.participation_detail, name="participation-detail"),
    path("applications/<int:pk>/change/", views.participation_change, name="participation-change"),
    path("applications/<int:pk>/withdraw/", views.participation_withdraw, name="participation-withdraw"),
    path("applications/<int:pk>/outcome/", views.outcome_report, name="outcome-report"),
    path("funding-calls/", views.funding_table, name="funding-table"),
]
