"""Thin views: parse, ask permissions, call a selector or a service, render."""

import contextlib
import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from clusters.models import Cluster
from clusters.permissions import current_cluster_for_manager, managed_clusters_for, require_current_cluster
from inolink.formatting import hours as format_hours
from inolink.forms import attach_service_errors, submitted_data
from inolink.http import query_without_page
from inolink.ical import calendar_response
from inolink.panels import panels_for
from inolink.todo import todos_for

from . import services
from .calendar import consultation_item, feed_items
from .forms import (
    LAST_WEEK,
    AreaForm,
    AvailabilityExceptionFormSet,
    BookingForm,
    ConfirmForm,
    ConsultationFilterForm,
    DetailsForm,
    OptionalReasonForm,
    OutcomeForm,
    ProposeForm,
    RatingForm,
    ReasonForm,
    ReassignForm,
    RescheduleForm,
    SlotChoiceForm,
    SlotQueryForm,
    StaffOutcomeForm,
    ThreadMessageForm,
    WeeklyAvailabilityFormSet,
)
from .models import (
    OUTCOME_EDIT_DAYS,
    AvailabilityException,
    CalendarFeed,
    Consultation,
    Expert,
    SessionOutcome,
    WeeklyAvailability,
    extra_hours_dispute_days,
)
from .panels import DASHBOARD_TODO_SLOT
from .permissions import (
    consultations_managed_in,
    expert_for,
    get_consultation_for,
    get_consultation_for_expert,
    get_consultation_for_manager,
    get_consultation_for_outcome,
    get_consultation_for_staff,
    is_programme_staff,
    require_expert,
    sessions_of,
)
from .selectors import (
    BOOKING_LENGTHS,
    PREVIEW_WEEKS,
    availability_preview,
    bookable_experts,
    cluster_choices,
    consultation_list,
    consultation_thread,
    consultation_timeline,
    current_agreement,
    expert_choices,
    expert_schedule,
    free_slots,
    manager_dashboard,
    session_contacts,
    week_months_away,
)

SLOT_DAYS = 7
SLOTS_PER_DAY = 4  # starts a day shows in the slot picker's overview of many experts
LIST_PAGE_SIZE = 50
EXPERTS_PER_PAGE = 8
# To-do items the start page shows before "N more things to do": the soonest due come first, and on a phone each
# item is a fifth of the screen.
TODOS_SHOWN = 5


def _week_start(week: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=SLOT_DAYS * week)


# --- Cluster manager -------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """A cluster manager's start page: first what needs the manager (a to-do list from every app, with the road
    to the label), then a compact summary of the hours, then upcoming and recent sessions. Anyone else who
    tries this address is sent to the start page of their role."""
    cluster = current_cluster_for_manager(request)
    if cluster is None:
        return redirect("home")
    # What needs the manager, from every app (inolink.todo): consultations' own, events', ...
    todos = todos_for(DASHBOARD_TODO_SLOT, request, cluster)
    context = {
        "cluster": cluster,
        "managed_clusters": managed_clusters_for(request),
        "agreement": current_agreement(cluster),
        **manager_dashboard(cluster),
        "todos": todos[:TODOS_SHOWN],
        "todos_more": todos[TODOS_SHOWN:],
        # The road to the label's card comes from reports, above this app (inolink.panels).
        "main_panels": panels_for("consultations.dashboard.main", request, cluster),
    }
    return render(request, "consultations/dashboard.html", context)


@login_required
@require_GET
def book(request):
    """Step 1: the service area and the length."""
    cluster = require_current_cluster(request)
    return render(
        request,
        "consultations/book_area.html",
        {"cluster": cluster, "form": AreaForm(initial={"length": "1"}), "agreement": current_agreement(cluster)},
    )


def _query(**params) -> str:
    """A query string of these parameters, leaving out those that are None."""
    return urlencode({key: value for key, value in params.items() if value is not None})


def _week_links(week: int, **params) -> dict:
    """The slot pickers' links a week and a month back and ahead, within their weeks (0 to ``LAST_WEEK``)."""
    return {
        "prev_week_url": f"?{_query(**params, week=week - 1)}" if week > 0 else None,
        "next_week_url": f"?{_query(**params, week=week + 1)}" if week < LAST_WEEK else None,
        "prev_month_url": f"?{_query(**params, week=week_months_away(week, -1))}" if week > 0 else None,
        "next_month_url": f"?{_query(**params, week=week_months_away(week, 1))}" if week < LAST_WEEK else None,
    }


@login_required
@require_GET
def book_slots(request):
    """Step 2: the area's active experts with their free slots, a week and a page of experts at a time.

    Each day shows its first few starts and links to the expert's full week, where every start is shown.
    """
    cluster = require_current_cluster(request)
    query = SlotQueryForm(request.GET)
    if not query.is_valid() and "area" in query.errors:
        messages.warning(request, _("Choose a service area first."))
        return redirect("consultations:book")
    area = query.cleaned_data["area"]
    length = query.cleaned_data.get("length") or Decimal("1")
    week = query.cleaned_data.get("week") or 0
    page_number = query.cleaned_data.get("page")
    first_day = _week_start(week)
    experts = bookable_experts(area)
    expert_page = focus = None
    if query.cleaned_data.get("expert"):
        focus = experts.filter(pk=query.cleaned_data["expert"]).first()
        if focus is None:
            messages.warning(request, _("That expert does not consult in this area; here are those who do."))
    if focus is not None:
        shown, per_day = [focus], None
    else:
        # A page of experts at a time: an area may have a hundred experts, each with dozens of free starts a week.
        expert_page = Paginator(experts, EXPERTS_PER_PAGE).get_page(page_number)
        shown, per_day = list(expert_page), SLOTS_PER_DAY
    # Each expert's next free time too, whichever week is shown (a link to its week).
    slots = free_slots(shown, first_day=first_day, days=SLOT_DAYS, length=length, per_day=per_day, with_next=True)
    status = services.booking_status(cluster, area, length)
    rebook = _rebook_source(request, request.GET.get("rebook"))
    here = {"area": area.code, "length": length, "page": page_number, "rebook": rebook.pk if rebook else None}
    return render(
        request,
        "consultations/book_slots.html",
        {
            "cluster": cluster,
            "area": area,
            "length": length,
            "week": week,
            "days": [first_day + datetime.timedelta(days=n) for n in range(SLOT_DAYS)],
            "expert_slots": slots,
            "expert_page": expert_page,
            "focus": focus,
            "allocation": status.allocation,
            "has_agreement": status.has_agreement,
            "booking_refusal": status.refusal,
            "slot_url": reverse("consultations:book-new"),
            "slot_query": _query(area=area.code, length=length, rebook=here["rebook"]),
            "expert_week_query": _query(**here, week=week),
            "next_query": _query(**here, expert=focus.pk if focus else None),
            "last_week": LAST_WEEK,
            "length_options": BOOKING_LENGTHS,
            **_week_links(week, **here, expert=focus.pk if focus else None),
        },
    )


def _rebook_source(request, pk) -> Consultation | None:
    """The declined consultation a manager books again (its topic, agenda and place fill the new booking), if it is
    one of their clusters' own; anything else is ignored."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return consultations_managed_in(request).filter(pk=pk).first()


REBOOK_FIELDS = ("topic", "agenda", "format", "city", "address", "meeting_url")


def _expert_or_none(pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Expert.objects.select_related("user").filter(pk=pk).first()


@login_required
def book_new(request):
    """Step 3: format, topic and agenda for the picked slot; the booking service decides."""
    cluster = require_current_cluster(request)
    area_code = request.GET.get("area") or request.POST.get("area")
    query = SlotQueryForm({"area": area_code})
    if not query.is_valid():
        raise Http404
    area = query.cleaned_data["area"]
    if request.method == "POST":
        form = BookingForm(request.POST)
    else:
        choice = SlotChoiceForm(request.GET)
        if not choice.is_valid():
            messages.warning(request, _("That slot could not be read. Please pick one of the free slots."))
            return redirect(f"{reverse('consultations:book-slots')}?area={area.code}")
        rebook = _rebook_source(request, request.GET.get("rebook"))
        form = BookingForm(
            initial={
                "expert": choice.cleaned_data["expert"],
                "starts_at": timezone.localtime(choice.cleaned_data["start"]).strftime("%Y-%m-%dT%H:%M"),
                "hours": str(choice.cleaned_data["length"]),
                "format": "onsite",
                # "Book another time" after a decline keeps what the cluster wrote the first time.
                **({name: getattr(rebook, name) for name in REBOOK_FIELDS} if rebook else {}),
            }
        )
    expert = _expert_or_none(form["expert"].value())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if expert is None:
            form.add_error("expert", _("This expert does not consult in the chosen service area."))
        else:
            try:
                consultation = services.consultation_book(
                    cluster=cluster,
                    service_area=area,
                    expert=expert,
                    starts_at=data["starts_at"],
                    hours=data["hours"],
                    format=data["format"],
                    city=data["city"],
                    address=data["address"],
                    meeting_url=data["meeting_url"],
                    topic=data["topic"],
                    agenda=data["agenda"],
                    booked_by=request.user,
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("Your request is sent. The expert will confirm it."))
                return redirect(consultation)
    starts_at = None
    with contextlib.suppress(ValidationError):
        starts_at = form.fields["starts_at"].clean(form["starts_at"].value())
    return render(
        request,
        "consultations/book_form.html",
        {
            "cluster": cluster,
            "area": area,
            "expert": expert,
            "starts_at": starts_at,
            "form": form,
            "back_url": f"{reverse('consultations:book-slots')}?area={area.code}",
        },
    )


def _list_page(request, filters, rows, **context):
    """A page of a consultation list, with its filters and the links to the other pages."""
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "filters": filters,
            "consultations": page.object_list,
            "page": page,
            "query": query_without_page(request),
            **context,
        },
    )


@login_required
@require_GET
def consultation_list_view(request):
    """The manager's consultations (of all the clusters they manage), filterable; upcoming first."""
    managed = managed_clusters_for(request)
    if not managed:
        if expert_for(request.user) is None:
            if request.user.is_staff:
                # Staff see every cluster's consultations in the admin's list.
                return redirect("admin:consultations_consultation_changelist")
            raise Http404
        # An expert who tries the managers' address gets their own list.
        query = request.GET.urlencode()
        return redirect(reverse("consultations:session-list") + (f"?{query}" if query else ""))
    several_clusters = len(managed) > 1
    consultations = consultations_managed_in(request)
    filters = ConsultationFilterForm(request.GET or None, experts=expert_choices(consultations))
    rows = consultation_list(filters.apply(consultations), with_cluster=several_clusters)
    return _list_page(request, filters, rows, show_cluster=several_clusters, show_expert=True, for_expert=False)


@login_required
@require_GET
def session_list(request):
    """All of an expert's sessions, past and upcoming, newest first, filterable; only their own."""
    expert = require_expert(request.user)
    consultations = sessions_of(expert)
    filters = ConsultationFilterForm(request.GET or None, clusters=cluster_choices(consultations), when="all")
    rows = consultation_list(filters.apply(consultations), with_expert=False, with_outcome=True)
    return _list_page(request, filters, rows, show_cluster=True, show_expert=False, for_expert=True)


@login_required
@require_GET
def consultation_detail(request, pk):
    consultation = get_consultation_for(request.user, pk)
    is_manager = any(cluster.pk == consultation.cluster_id for cluster in managed_clusters_for(request))
    is_expert = consultation.expert.user_id == request.user.pk
    is_staff = is_programme_staff(request.user)
    outcome = getattr(consultation, "outcome", None)
    rating = getattr(consultation, "rating", None)
    rebook_url = None
    if is_manager and consultation.offers_rebooking:
        # Step 2 of booking, in the same area and length: the decline left the cluster to pick another time.
        query = _query(
            area=consultation.service_area.code, length=consultation.hours.normalize(), rebook=consultation.pk
        )
        rebook_url = f"{reverse('consultations:book-slots')}?{query}"
    sides = session_sides(consultation, is_manager=is_manager, is_expert=is_expert)
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "is_manager": is_manager,
            "is_expert": is_expert,
            "rebook_url": rebook_url,
            # Booking is for the cluster the manager works on: another cluster's session switches to it first.
            "rebook_switches_cluster": rebook_url is not None
            and current_cluster_for_manager(request).pk != consultation.cluster_id,
            "outcome": outcome,
            "rating": rating,
            "can_rate": is_manager and consultation.can_be_rated,
            "rating_form": RatingForm(),
            "timeline": consultation_timeline(consultation, thread=sides["thread"]),
            "decline_proposal_form": OptionalReasonForm(),
            "extra_dispute_days": extra_hours_dispute_days(),
            "outcome_history": (
                outcome.history.select_related("history_user").order_by("-history_date")[:20] if outcome else ()
            ),
            # Programme staff act on any session: log or correct its outcome, or hand it to another expert.
            "is_staff": is_staff,
            "staff_can_log_outcome": is_staff and consultation.outcome_refusal(request.user) is None,
            "staff_can_reassign": is_staff and consultation.reassign_refusal() is None,
            **sides,
        },
    )


@login_required
def consultation_reassign(request, pk):
    """Programme staff hand an upcoming consultation to another expert of its area (``consultation_reassign``)."""
    consultation = get_consultation_for_staff(request.user, pk)
    refusal = consultation.reassign_refusal()
    form = ReassignForm(submitted_data(request), areas=[consultation.service_area])
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.consultation_reassign(
                consultation=consultation, expert=form.cleaned_data["expert"], by=request.user
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The consultation is with %(expert)s now; they were asked to confirm it.")
                % {"expert": form.cleaned_data["expert"]},
            )
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_reassign.html",
        {"consultation": consultation, "form": form, "refusal": refusal},
    )


@login_required
def consultation_cancel(request, pk):
    consultation = get_consultation_for_manager(request.user, pk)
    form = ReasonForm(submitted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_cancel(consultation=consultation, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("The consultation is cancelled and its hours are back in your balance."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_reason.html",
        {
            "consultation": consultation,
            "form": form,
            "title": _("Cancel the consultation"),
            "intro": _("The booked hours return to your cluster's balance. The expert sees your reason."),
            "button": _("Cancel the consultation"),
            "danger": True,
        },
    )


@login_required
def consultation_reschedule(request, pk):
    """Pick a new free slot of the same expert, then give the reason."""
    consultation = get_consultation_for_manager(request.user, pk)
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                services.consultation_reschedule(
                    consultation=consultation,
                    starts_at=form.cleaned_data["starts_at"],
                    hours=form.cleaned_data["hours"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("The new time is sent to the expert to confirm."))
                return redirect(consultation)
        return _reschedule_confirm(request, consultation, form)
    choice = SlotChoiceForm({**request.GET.dict(), "expert": consultation.expert_id})
    if "start" in request.GET and choice.is_valid():
        form = RescheduleForm(
            initial={
                "starts_at": timezone.localtime(choice.cleaned_data["start"]).strftime("%Y-%m-%dT%H:%M"),
                "hours": str(choice.cleaned_data["length"]),
            }
        )
        return _reschedule_confirm(request, consultation, form)
    query = SlotQueryForm({"area": consultation.service_area.code, **request.GET.dict()})
    query.is_valid()
    # No length, or one that is not among the choices, means the booked length.
    chosen = query.cleaned_data.get("length") if request.GET.get("length") else None
    length = chosen or consultation.hours.normalize()
    week = query.cleaned_data.get("week") or 0
    first_day = _week_start(week)
    slots = free_slots([consultation.expert], first_day=first_day, days=SLOT_DAYS, length=length, exclude=consultation)
    return render(
        request,
        "consultations/reschedule_slots.html",
        {
            "consultation": consultation,
            "length": length,
            "week": week,
            "days": [first_day + datetime.timedelta(days=n) for n in range(SLOT_DAYS)],
            "expert_slots": slots,
            "slot_url": reverse("consultations:consultation-reschedule", args=[consultation.pk]),
            "slot_query": _query(length=length),
            "length_options": BOOKING_LENGTHS,
            **_week_links(week, length=length),
        },
    )


def _reschedule_confirm(request, consultation, form):
    starts_at = None
    with contextlib.suppress(ValidationError):
        starts_at = form.fields["starts_at"].clean(form["starts_at"].value())
    return render(
        request,
        "consultations/reschedule_form.html",
        {"consultation": consultation, "form": form, "starts_at": starts_at},
    )


@login_required
@require_POST
def consultation_rate(request, pk):
    consultation = get_consultation_for_manager(request.user, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_create(
                consultation=consultation,
                by=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for rating the session."))
            return redirect(consultation)
    return render(request, "consultations/rating_form.html", {"consultation": consultation, "form": form}, status=200)


@login_required
@require_GET
def consultation_ics(request, pk):
    consultation = get_consultation_for(request.user, pk)
    if consultation.status != Consultation.Status.CONFIRMED:
        raise Http404
    return calendar_response(
        [consultation_item(consultation)],
        name=consultation.topic,
        filename=f"consultation-{consultation.pk}.ics",
    )


# --- Proposals, corrected details, extra hours (issue 16) --------------------------------------------------


def _refused_or_done(request, consultation, call, done: str):
    """Call a service from a one-button form: its refusal or its success becomes the page's message."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(consultation)


@login_required
def consultation_propose(request, pk):
    """The expert picks another of their free times for a request, then adds an optional note."""
    consultation = get_consultation_for_expert(request.user, pk)
    refusal = consultation.propose_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect(consultation)
    form = None
    if request.method == "POST":
        form = ProposeForm(request.POST, consultation=consultation)
        if form.is_valid():
            try:
                services.consultation_propose(
                    consultation=consultation,
                    starts_at=form.cleaned_data["starts_at"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    meeting_url=form.cleaned_data.get("meeting_url"),
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                messages.success(request, _("Your proposal is sent to the cluster."))
                return redirect(consultation)
    else:
        choice = SlotChoiceForm(
            {**request.GET.dict(), "expert": consultation.expert_id, "length": consultation.hours.normalize()}
        )
        if "start" in request.GET and choice.is_valid():
            start = timezone.localtime(choice.cleaned_data["start"]).strftime("%Y-%m-%dT%H:%M")
            form = ProposeForm(initial={"starts_at": start}, consultation=consultation)
    if form is not None:
        starts_at = None
        with contextlib.suppress(ValidationError):
            starts_at = form.fields["starts_at"].clean(form["starts_at"].value())
        return render(
            request,
            "consultations/propose_form.html",
            {"consultation": consultation, "form": form, "starts_at": starts_at},
        )
    query = SlotQueryForm({"area": consultation.service_area.code, **request.GET.dict()})
    query.is_valid()
    week = query.cleaned_data.get("week") or 0
    first_day = _week_start(week)
    length = consultation.hours.normalize()
    slots = free_slots(
        [consultation.expert],
        first_day=first_day,
        days=SLOT_DAYS,
        length=length,
        exclude=consultation,
        # The booked time itself is no proposal (``Consultation.proposed_time_refusal``).
        not_at=[consultation.starts_at],
    )
    return render(
        request,
        "consultations/propose_slots.html",
        {
            "consultation": consultation,
            "week": week,
            "days": [first_day + datetime.timedelta(days=n) for n in range(SLOT_DAYS)],
            "expert_slots": slots,
            "slot_url": reverse("consultations:consultation-propose", args=[consultation.pk]),
            "slot_query": _query(length=length),
            **_week_links(week),
        },
    )


@login_required
@require_POST
def consultation_proposal_accept(request, pk):
    consultation = get_consultation_for_manager(request.user, pk)
    return _refused_or_done(
        request,
        consultation,
        lambda: services.consultation_proposal_accept(consultation=consultation, by=request.user),
        _("The session is moved to the proposed time and confirmed."),
    )


@login_required
@require_POST
def consultation_proposal_decline(request, pk):
    consultation = get_consultation_for_manager(request.user, pk)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _refused_or_done(
        request,
        consultation,
        lambda: services.consultation_proposal_decline(consultation=consultation, by=request.user, reason=reason),
        _("The proposal is declined; the request stays at its time for the expert to answer."),
    )


@login_required
def consultation_edit(request, pk):
    """The cluster corrects the topic, agenda, place and meeting link; the expert is told."""
    consultation = get_consultation_for_manager(request.user, pk)
    refusal = consultation.details_edit_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect(consultation)
    form = DetailsForm(submitted_data(request), initial=DetailsForm.initial_of(consultation))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_edit_details(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("The details are saved and the expert is told."))
            return redirect(consultation)
    return render(request, "consultations/consultation_edit.html", {"consultation": consultation, "form": form})


def _outcome_or_404(consultation) -> SessionOutcome:
    outcome = getattr(consultation, "outcome", None)
    if outcome is None:
        raise Http404
    return outcome


@login_required
@require_POST
def extra_hours_accept(request, pk):
    consultation = get_consultation_for_manager(request.user, pk)
    outcome = _outcome_or_404(consultation)
    return _refused_or_done(
        request,
        consultation,
        lambda: services.outcome_extra_accept(outcome=outcome, by=request.user),
        _("The extra hours are accepted and count now."),
    )


@login_required
def extra_hours_dispute(request, pk):
    consultation = get_consultation_for_manager(request.user, pk)
    outcome = _outcome_or_404(consultation)
    refusal = outcome.extra_dispute_refusal(request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(consultation)
    form = ReasonForm(submitted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_extra_dispute(outcome=outcome, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("The extra hours are disputed; programme staff will decide."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_reason.html",
        {
            "consultation": consultation,
            "form": form,
            "title": _("Dispute the extra hours"),
            "intro": _(
                "The expert logged %(delivered)s on a booking of %(booked)s. Until programme staff decide, only the"
                " booked length counts. The expert and staff see your reason."
            )
            % {"delivered": format_hours(outcome.hours_delivered), "booked": format_hours(consultation.hours)},
            "button": _("Dispute"),
            "danger": True,
        },
    )


# --- Expert ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def my_sessions(request):
    """An expert's start page: requests to answer, upcoming sessions, outcomes due."""
    expert = require_expert(request.user)
    return render(
        request,
        "consultations/my_sessions.html",
        {"expert": expert, "decline_form": ReasonForm(), **expert_schedule(expert)},
    )


@login_required
def consultation_confirm(request, pk):
    """The expert confirms: straight from their list (a bare POST), or here with a meeting link and a note."""
    consultation = get_consultation_for_expert(request.user, pk)
    form = ConfirmForm(submitted_data(request), consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_confirm(
                consultation=consultation,
                by=request.user,
                meeting_url=form.cleaned_data.get("meeting_url"),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            if request.POST.get("next") != "detail":  # the one-click button of the expert's list
                messages.error(request, " ".join(error.messages))
                return redirect("consultations:my-sessions")
            attach_service_errors(form, error)
        else:
            messages.success(request, _("The session is confirmed."))
            if request.POST.get("next") == "detail":
                return redirect(consultation)
            return redirect("consultations:my-sessions")
    return render(
        request,
        "consultations/consultation_confirm.html",
        {
            "consultation": consultation,
            "form": form,
            "title": _("Confirm the session"),
            "intro": _(
                "Once you confirm, the cluster's managers and you see each other's email and phone, "
                "and the cluster receives your note."
            ),
        },
    )


@login_required
def consultation_decline(request, pk):
    """The expert declines a request, or calls off a session they confirmed (the same rule and service: the cluster
    gets its hours back and is offered another time); the page names it as the expert sees it."""
    consultation = get_consultation_for_expert(request.user, pk)
    confirmed = consultation.status == Consultation.Status.CONFIRMED
    form = ReasonForm(submitted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_decline(
                consultation=consultation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            if confirmed:
                messages.success(request, _("The session is cancelled; the cluster sees your reason."))
            else:
                messages.success(request, _("The request is declined; the cluster sees your reason."))
            return redirect("consultations:my-sessions")
    if confirmed:
        title, button = _("Cancel the session"), _("Cancel the session")
        intro = _(
            "You confirmed this session. If you cannot hold it, the cluster gets its hours back, sees your reason "
            "and can book another time or another expert."
        )
    else:
        title, button = _("Decline the request"), _("Decline")
        intro = _("The cluster sees your reason and can book another time or another expert.")
    return render(
        request,
        "consultations/consultation_reason.html",
        {"consultation": consultation, "form": form, "title": title, "intro": intro, "button": button, "danger": True},
    )


@login_required
def consultation_outcome(request, pk):
    """The session's expert logs its outcome; programme staff log or correct it on the expert's behalf, with a
    note, through the same services (``outcome_save``, ``outcome_correct`` for one already logged)."""
    consultation = get_consultation_for_outcome(request.user, pk)
    by_staff = is_programme_staff(request.user) and consultation.expert.user_id != request.user.pk
    outcome = getattr(consultation, "outcome", None)
    refusal = consultation.outcome_refusal(request.user)
    form = (StaffOutcomeForm if by_staff else OutcomeForm)(
        submitted_data(request),
        instance=outcome,
        initial=None if outcome else {"hours_delivered": consultation.hours},
        consultation=consultation,
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            if by_staff and outcome is not None:
                services.outcome_correct(outcome=outcome, by=request.user, **form.cleaned_data)
            else:
                services.outcome_save(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            if by_staff:
                messages.success(request, _("The outcome is saved on the expert's behalf, with your note."))
                return redirect(consultation)
            messages.success(
                request,
                ngettext(
                    "The outcome is saved. You can edit it for %(days)s day.",
                    "The outcome is saved. You can edit it for %(days)s days.",
                    OUTCOME_EDIT_DAYS,
                )
                % {"days": OUTCOME_EDIT_DAYS},
            )
            return redirect("consultations:my-sessions")
    return render(
        request,
        "consultations/outcome_form.html",
        {
            "consultation": consultation,
            "form": form,
            "outcome": outcome,
            "refusal": refusal,
            "by_staff": by_staff,
        },
    )


@login_required
def availability(request):
    """The expert's weekly hours and time off or extra hours (ranges of days), edited together, with a preview
    of the free times they give over the next weeks. "Preview" checks the rows and shows their free times
    without saving them."""
    expert = require_expert(request.user)
    weekly_qs = WeeklyAvailability.objects.filter(expert=expert).order_by("weekday", "start_time")
    exception_qs = AvailabilityException.objects.filter(expert=expert, end_date__gte=timezone.localdate()).order_by(
        "start_date", "start_time"
    )
    data = request.POST if request.method == "POST" else None
    weekly = WeeklyAvailabilityFormSet(data, queryset=weekly_qs, prefix="weekly")
    exceptions = AvailabilityExceptionFormSet(data, queryset=exception_qs, prefix="exceptions")
    if data is None and not weekly_qs.exists():
        weekly.extra = 1  # a first row to fill in, also without the page's script
    preview_rows = {}
    if data is not None and weekly.is_valid() and exceptions.is_valid():
        if "preview" in request.POST:
            preview_rows = {"weekly": weekly.kept_instances(), "exceptions": exceptions.kept_instances()}
        else:
            try:
                services.availability_save(expert=expert, weekly_formset=weekly, exception_formset=exceptions)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your availability is saved."))
                return redirect("consultations:availability")
    return render(
        request,
        "consultations/availability.html",
        {
            "expert": expert,
            "weekly": weekly,
            "exceptions": exceptions,
            "min_notice_hours": settings.CONSULTATION_MIN_NOTICE_HOURS,
            "preview": availability_preview(expert, **preview_rows),
            "is_preview": bool(preview_rows),
            "preview_weeks": PREVIEW_WEEKS,
        },
    )


# --- Calendar feeds ----------------------------------------------------------------------------------------


@login_required
def calendar_settings(request):
    """The person's private feed address, and a button to make a new one."""
    if not (Cluster.objects.managed_by(request.user).exists() or Expert.objects.filter(user=request.user).exists()):
        raise Http404
    if request.method == "POST":
        services.calendar_feed_regenerate(user=request.user)
        messages.success(request, _("A new calendar address is ready; the old one no longer works."))
        return redirect("consultations:calendar")
    feed = services.calendar_feed_for(request.user)
    return render(
        request,
        "consultations/calendar.html",
        {"feed_url": request.build_absolute_uri(feed.get_absolute_url())},
    )


@require_GET
def calendar_feed(request, token):
    """The private feed: anyone with the secret address may read it (calendar apps cannot sign in)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    # A calendar app sends no language: the feed is in its owner's, like their emails.
    with translation.override(feed.user.preferred_language):
        return calendar_response(feed_items(feed.user), name=_("InoLink"), filename="inolink.ics", attachment=False)


# The two sides of a session (issue 15) ------------------------------------------------------------------


def session_sides(consultation, *, is_manager: bool, is_expert: bool, form=None) -> dict:
    """The detail page's contacts of the other side (once confirmed) and the session's thread."""
    return {
        "contacts": session_contacts(consultation, is_manager=is_manager, is_expert=is_expert),
        "thread": consultation_thread(consultation),
        "thread_form": form or ThreadMessageForm(),
        "can_write": is_manager or is_expert,
    }


@login_required
@require_POST
def consultation_message(request, pk):
    """One of the two sides writes in the session's thread; the other side is emailed."""
    consultation = get_consultation_for(request.user, pk)
    form = ThreadMessageForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_message_post(
                consultation=consultation, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(f"{consultation.get_absolute_url()}#thread")
    is_manager = any(cluster.pk == consultation.cluster_id for cluster in managed_clusters_for(request))
    is_expert = consultation.expert.user_id == request.user.pk
    return render(
        request,
        "consultations/consultation_thread.html",
        {
            "consultation": consultation,
            **session_sides(consultation, is_manager=is_manager, is_expert=is_expert, form=form),
        },
        status=400,
    )
