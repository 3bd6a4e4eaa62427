from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("<int:pk>/", views.agreement_detail_view, name="agreement-detail"),
    path("<int:pk>/document/", views.agreement_document_view, name="agreement-document"),
]
