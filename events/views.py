from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import require_staff
from clusters.permissions import current_cluster_for_manager, require_current_cluster
from inolink.forms import attach_service_errors, submitted_data
from inolink.http import query_without_page
from inolink.ical import calendar_response

from . import selectors, services
from .forms import (
    ApplicationChangeForm,
    ApplicationForm,
    CatalogueFilterForm,
    FundingIntentForm,
    LeadFormSet,
    OutcomeForm,
    delegate_formset,
)
from .models import FundingIntent, Participation
from .permissions import (
    can_change_participation,
    get_event_for,
    get_managed_participation,
    get_participation_for,
)

PAGE_SIZE = 12  # four rows of three cards


@login_required
def event_list(request):
    form = CatalogueFilterForm(request.GET or None, countries=selectors.catalogue_countries())
    form.is_valid()
    cluster = current_cluster_for_manager(request)
    events = selectors.catalogue(form.filters(), cluster=cluster)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {"form": form, "page": page, "cluster": cluster, "query": query_without_page(request), "now": timezone.now()},
    )


@login_required
def event_detail(request, pk):
    event = get_event_for(request.user, pk)
    cluster = current_cluster_for_manager(request)
    application = selectors.cluster_application(event, cluster)
    intent = FundingIntent.objects.filter(event=event, cluster=cluster).first() if cluster else None
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "cluster": cluster,
            "application": application,
            "intent": intent,
            "is_open": event.is_open_for_applications(),
            "accepts_applications": event.accepts_applications(),
            "offers_calendar": event.offers_calendar(),
            "waiting_list": selectors.waiting_list_preview(event) if application is None else None,
        },
    )


@login_required
def event_ics(request, pk):
    event = get_event_for(request.user, pk)
    if event.is_funding_call:
        raise Http404  # a call has dates to apply by, not a time to be somewhere
    return calendar_response(
        [selectors.event_calendar_item(event)],
        name=event.title,
        filename=f"{slugify(event.title)[:60] or 'event'}.ics",
    )


@login_required
def participation_apply(request, pk):
    cluster = require_current_cluster(request)
    event = get_event_for(request.user, pk)
    existing = Participation.objects.filter(event=event, cluster=cluster).first()
    if existing is not None:
        messages.info(request, existing.reapply_refusal)
        return redirect(existing.get_absolute_url())
    try:
        services.check_can_apply(event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(event.get_absolute_url())
    form = ApplicationForm(submitted_data(request))
    delegates = delegate_formset(event, submitted_data(request))
    if request.method == "POST" and form.is_valid() and delegates.is_valid():
        try:
            participation = services.participation_apply(
                event=event,
                cluster=cluster,
                user=request.user,
                motivation=form.cleaned_data["motivation"],
                delegates=delegates.delegates(),
                support_needed=form.cleaned_data["support_needed"],
                support_details=form.cleaned_data["support_details"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            if participation.status == Participation.Status.WAITLISTED:
                messages.success(
                    request,
                    _("Your cluster is number %(position)s on the waiting list. We have sent you a confirmation.")
                    % {"position": participation.waitlist_position()},
                )
            else:
                messages.success(
                    request,
                    _("Your application has been sent and confirmed by email. Programme staff will decide on it."),
                )
            return redirect(participation.get_absolute_url())
    return render(
        request,
        "events/participation_form.html",
        {
            "event": event,
            "cluster": cluster,
            "form": form,
            "delegates": delegates,
            "waiting_list": selectors.waiting_list_preview(event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def participation_change(request, pk):
    """Until the registration deadline the cluster changes its delegates and the support it wants."""
    participation = get_managed_participation(
        request, pk, queryset=selectors.participation_with_details(Participation.objects.all())
    )
    refusal = participation.change_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect(participation.get_absolute_url())
    event = participation.event
    initial = {"support_needed": participation.support_needed, "support_details": participation.support_details}
    form = ApplicationChangeForm(submitted_data(request), initial=initial)
    delegates = delegate_formset(event, submitted_data(request), participation=participation)
    if request.method == "POST" and form.is_valid() and delegates.is_valid():
        try:
            services.participation_change(
                participation=participation,
                user=request.user,
                delegates=delegates.delegates(),
                support_needed=form.cleaned_data["support_needed"],
                support_details=form.cleaned_data["support_details"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Your application has been changed."))
            return redirect(participation.get_absolute_url())
    return render(
        request,
        "events/participation_form.html",
        {
            "event": event,
            "cluster": participation.cluster,
            "form": form,
            "delegates": delegates,
            "participation": participation,
        },
    )


@login_required
def participation_detail(request, pk):
    participation = get_participation_for(
        request.user, pk, queryset=selectors.participation_with_details(Participation.objects.all())
    )
    return render(
        request,
        "events/participation_detail.html",
        {
            "participation": participation,
            "event": participation.event,
            "can_change": can_change_participation(request.user, participation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def participation_withdraw(request, pk):
    """GET asks the manager to confirm, since a withdrawal cannot be reversed; only the POST withdraws."""
    participation = get_managed_participation(request, pk)
    if request.method == "GET":
        refusal = participation.withdrawal_refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(participation.get_absolute_url())
        return render(
            request,
            "events/participation_confirm_withdraw.html",
            {"participation": participation, "event": participation.event},
        )
    try:
        services.participation_withdraw(participation=participation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect(participation.get_absolute_url())


@login_required
def outcome_report(request, pk):
    participation = get_managed_participation(
        request, pk, queryset=selectors.participation_with_details(Participation.objects.all())
    )
    if not participation.can_report_outcome:
        if participation.status != Participation.Status.APPROVED:
            messages.error(request, _("Only an approved application can have an outcome."))
        else:
            messages.error(request, _("The outcome can be reported once the event has ended."))
        return redirect(participation.get_absolute_url())
    outcome = getattr(participation, "outcome", None)
    initial = (
        {
            "attended": "yes" if outcome.attended else "no",
            "contacts_made": outcome.contacts_made,
            "notes": outcome.notes,
            "indicator_areas": list(outcome.indicator_areas.all()),
        }
        if outcome
        else None
    )
    form = OutcomeForm(submitted_data(request), initial=initial)
    leads = LeadFormSet(submitted_data(request), prefix="leads")
    if request.method == "POST" and form.is_valid() and leads.is_valid():
        try:
            services.outcome_report(
                participation=participation,
                user=request.user,
                attended=form.cleaned_data["attended"],
                contacts_made=form.cleaned_data["contacts_made"],
                notes=form.cleaned_data["notes"],
                indicator_areas=form.cleaned_data["indicator_areas"],
                new_leads=[lead for lead in (f.lead() for f in leads.forms) if lead],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the outcome has been saved."))
            return redirect(participation.get_absolute_url())
    return render(
        request,
        "events/outcome_form.html",
        {"participation": participation, "event": participation.event, "form": form, "leads": leads},
    )


@login_required
def funding_intent_edit(request, pk):
    cluster = require_current_cluster(request)
    event = get_event_for(request.user, pk)
    if not event.is_funding_call:
        raise Http404
    intent = FundingIntent.objects.filter(event=event, cluster=cluster).first()
    form = FundingIntentForm(request.POST or None, instance=intent)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_intent_set(event=event, cluster=cluster, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Your cluster's intent for this call has been saved."))
            return redirect(event.get_absolute_url())
    return render(
        request,
        "events/fundingintent_form.html",
        {"event": event, "cluster": cluster, "form": form, "intent": intent},
    )


@login_required
def funding_table(request):
    require_staff(request.user)
    include_closed = request.GET.get("closed") == "1"
    calls, rows = selectors.funding_table(include_closed=include_closed)
    return render(
        request,
        "events/funding_table.html",
        {"calls": calls, "rows": rows, "include_closed": include_closed},
    )


@login_required
def event_outcomes(request, pk):
    require_staff(request.user)
    event = get_event_for(request.user, pk)
    return render(
        request,
        "events/event_outcomes.html",
        {
            "event": event,
            "participations": selectors.event_outcomes(event),
            "awaiting_decision": selectors.applications_awaiting_decision(event),
        },
    )
