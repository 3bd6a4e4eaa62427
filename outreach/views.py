"""Thin views: parse, call a service, render."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.permissions import staff_required
from events.models import Event
from inolink.forms import attach_service_errors, submitted_data
from inolink.http import int_or_404, query_without_page
from inolink.ical import absolute_url
from notifications.models import OutgoingMessage

from . import services
from .forms import ComposeForm, InvitationAcceptForm
from .models import GroupMessage


def int_or_none(value):
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def _welcome(invitation) -> str:
    if invitation.role == invitation.Role.MANAGER:
        return gettext("Welcome to InoLink. Your account is ready: you can now book consultations for %(cluster)s.") % {
            "cluster": invitation.cluster
        }
    return gettext("Welcome to InoLink. Your account is ready: set your availability so that clusters can book you.")


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request, token):
    """The invited person opens their link, chooses a password and lands on their start page in the invitation's
    language. An unknown, used, revoked or expired link answers with a page that says which (never a 500)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "outreach/invitation_invalid.html", {"invitation": None}, status=404)
    with translation.override(invitation.language):
        refusal = invitation.accept_refusal()
        if refusal:
            return render(
                request, "outreach/invitation_invalid.html", {"invitation": invitation, "refusal": refusal}, status=410
            )
        form = InvitationAcceptForm(
            submitted_data(request),
            invitation=invitation,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
        if request.method == "POST" and form.is_valid():
            try:
                user = services.invitation_accept(
                    invitation=invitation,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                # Still inside the invitation's language: the greeting is read in it on the start page.
                messages.success(request, _welcome(invitation))
                response = redirect("home")
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                )
                return response
        return render(request, "outreach/invitation_accept.html", {"invitation": invitation, "form": form})


# Messages to chosen groups (staff) --------------------------------------------------------------------------

PREVIEW_ROWS = 200


def _announcement_initial(event_id) -> dict:
    """Subject and text that announce a published event or funding call, in both languages, for staff to edit."""
    event = Event.objects.filter(pk=event_id, status=Event.Status.PUBLISHED).first() if event_id else None
    if event is None:
        return {}
    url = absolute_url(event.get_absolute_url())
    initial = {"audience": "programme_managers"}
    for language in ("lt", "en"):
        with translation.override(language):
            initial[f"subject_{language}"] = gettext("New in InoLink: %(event)s") % {"event": event.title}
            initial[f"body_{language}"] = gettext("%(event)s (%(kind)s), %(when)s. Apply by %(deadline)s: %(url)s") % {
                "event": event.title,
                "kind": event.get_kind_display(),
                "when": date_format(timezone.localtime(event.starts_at), "DATE_FORMAT"),
                "deadline": date_format(timezone.localtime(event.registration_deadline), "DATE_FORMAT"),
                "url": url,
            }
    return initial


@staff_required
def message_compose(request):
    """Staff compose, preview (who and how many receive it, the text in each language) and send."""
    if request.method == "POST":
        form = ComposeForm(request.POST)
    else:
        form = ComposeForm(
            initial={"key": uuid.uuid4(), **_announcement_initial(int_or_none(request.GET.get("announce")))}
        )
    preview = None
    if request.method == "POST" and form.is_valid():
        audience = form.chosen_audience()
        if request.POST.get("action") == "send":
            try:
                message = services.group_message_send(
                    key=form.cleaned_data["key"],
                    audience_key=audience.key,
                    criteria=form.criteria(),
                    texts=form.texts(),
                    by=request.user,
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The message is on its way to %(count)s person.",
                        "The message is on its way to %(count)s people.",
                        message.recipient_count,
                    )
                    % {"count": message.recipient_count},
                )
                return redirect(message)
        people = audience.users(form.criteria())
        rows = list(people[:PREVIEW_ROWS])
        texts = form.texts()
        preview = {
            "description": audience.describe(form.criteria()),
            "count": people.count() if len(rows) == PREVIEW_ROWS else len(rows),
            "rows": rows,
            "unreachable": sum(1 for person in rows if not (person.email or "").strip()),
            "languages": [
                {
                    "code": code,
                    "name": name,
                    "subject": texts[f"subject_{code}"] or texts[f"subject_{other}"],
                    "body": texts[f"body_{code}"] or texts[f"body_{other}"],
                    "fallback": not texts[f"body_{code}"],
                    "count": sum(1 for person in rows if person.preferred_language == code),
                }
                for code, name, other in (("lt", _("Lithuanian"), "en"), ("en", _("English"), "lt"))
            ],
        }
    return render(request, "outreach/message_compose.html", {"form": form, "preview": preview})


@staff_required
def message_list(request):
    """The messages staff sent, newest first, each with how many were sent, failed, unreachable or waiting."""
    Status = OutgoingMessage.Status
    rows = (
        GroupMessage.objects.select_related("sent_by")
        .annotate(
            sent=Count("deliveries", filter=Q(deliveries__status=Status.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=Status.FAILED)),
            skipped=Count("deliveries", filter=Q(deliveries__status=Status.SKIPPED)),
            pending=Count("deliveries", filter=Q(deliveries__status=Status.PENDING)),
        )
        .order_by("-sent_at", "-pk")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "outreach/message_list.html", {"page": page, "query": query_without_page(request)})


@staff_required
def message_detail(request, pk):
    message = get_object_or_404(GroupMessage.objects.select_related("sent_by"), pk=int_or_404(pk))
    deliveries = message.deliveries.select_related("recipient").order_by(
        "recipient__last_name", "recipient_email", "pk"
    )
    return render(request, "outreach/message_detail.html", {"message": message, "deliveries": deliveries})
