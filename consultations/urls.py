from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("book/", views.book, name="book"),
    path("book/slots/", views.book_slots, name="book-slots"),
    path("book/new/", views.book_new, name="book-new"),
    path("list/", views.consultation_list_view, name="consultation-list"),
    path("<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("<int:pk>/cancel/", views.consultation_cancel, name="consultation-cancel"),
    path("<int:pk>/reschedule/", views.consultation_reschedule, name="consultation-reschedule"),
    path("<int:pk>/rate/", views.consultation_rate, name="consultation-rate"),
    path("<int:pk>/ics/", views.consultation_ics, name="consultation-ics"),
    path("<int:pk>/confirm/", views.consultation_confirm, name="consultation-confirm"),
    path("<int:pk>/decline/", views.consultation_decline, name="consultation-decline"),
    path("<int:pk>/outcome/", views.consultation_outcome, name="consultation-outcome"),
    path("<int:pk>/reassign/", views.consultation_reassign, name="consultation-reassign"),
    path("<int:pk>/propose/", views.consultation_propose, name="consultation-propose"),
    path("<int:pk>/proposal/accept/", views.consultation_proposal_accept, name="consultation-proposal-accept"),
    path("<int:pk>/proposal/decline/", views.consultation_proposal_decline, name="consultation-proposal-decline"),
    path("<int:pk>/edit/", views.consultation_edit, name="consultation-edit"),
    path("<int:pk>/extra-hours/accept/", views.extra_hours_accept, name="extra-hours-accept"),
    path("<int:pk>/extra-hours/dispute/", views.extra_hours_dispute, name="extra-hours-dispute"),
    path("my-sessions/", views.my_sessions, name="my-sessions"),
    path("my-sessions/all/", views.session_list, name="session-list"),
    path("availability/", views.availability, name="availability"),
    path("calendar/", views.calendar_settings, name="calendar"),
    # Tokens are URL-safe base64 (new_calendar_token), all slug characters: any other token is a 404 before a query
    # (PostgreSQL refuses a NUL in a query parameter).
    path("calendar/feed/<slug:token>.ics", views.calendar_feed, name="calendar-feed"),
]

# The two sides of a session (issue 15).
urlpatterns += [
    path("<int:pk>/messages/", views.consultation_message, name="consultation-message"),
]
