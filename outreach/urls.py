from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    # Tokens are 64 hex digits (models.token_for_nonce): any other token is a 404 before a query.
    path("invitation/<slug:token>/", views.invitation_accept, name="invitation-accept"),
]

urlpatterns += [
    path("messages/", views.message_list, name="message-list"),
    path("messages/new/", views.message_compose, name="message-compose"),
    path("messages/<int:pk>/", views.message_detail, name="message-detail"),
]
