"""The message kinds InoLink sends: kind key → subject, templates, recipients, extra context.

How to add a kind (a few lines in the app that owns the data, in ``<app>/message_kinds.py``,
which ``NotificationsConfig.ready`` imports)::

    from django.utils.translation import gettext_lazy as _
    from notifications.registry import MessageKind, register

    register(MessageKind(
        key="consultation_confirmed",
        model="consultations.Consultation",
        subject=lambda obj, ctx: _("Consultation confirmed: %(topic)s") % {"topic": obj.topic},
        template="consultations/emails/consultation_confirmed",   # .txt and .html
        recipients=lambda obj: obj.cluster.managers.all(),          # default recipients
        context=lambda obj, message: {"ics_url": ...},              # optional extra context
        attachments=lambda obj, message: [("session.ics", data, "text/calendar")],  # optional
        still_relevant=lambda obj, message: obj.status == Consultation.Status.CONFIRMED,  # checked at send time
        select_related=("cluster", "expert__user"),                 # optional, for batch loading
        reply_to=lambda obj, message: [obj.expert.user.email],     # optional Reply-To addresses
    ))

Then, in the service that causes it, after the state change and inside its transaction::

    message_enqueue(kind="consultation_confirmed", obj=consultation, occasion="confirmed")

or, for due work, a ``notifications.sweeps.Sweep`` (see there). The email is rendered
at send time in the recipient's language from ``<template>.txt`` (plain text) and
``<template>.html`` (which extends ``emails/base.html``); both get ``obj``,
``recipient``, ``message``, ``site_url``, ``object_url`` and the kind's context.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

Attachment = tuple[str, bytes | str, str]


@dataclass(frozen=True)
class MessageKind:
    key: str
    model: str
    subject: Callable[[Any, dict], str]
    template: str
    recipients: Callable[[Any], Iterable] = lambda obj: ()
    context: Callable[[Any, Any], dict] = lambda obj, message: {}
    attachments: Callable[[Any, Any], list[Attachment]] | None = None
    # Checked just before sending: False marks the message skipped (e.g. the session was cancelled meanwhile).
    still_relevant: Callable[[Any, Any], bool] = lambda obj, message: True
    select_related: tuple[str, ...] = field(default_factory=tuple)
    verbose_name: str = ""
    # The addresses a reply goes to (the other party of a session), or none: replies then reach the sender address.
    reply_to: Callable[[Any, Any], Iterable[str]] | None = None

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def __str__(self):
        return str(self.verbose_name or self.key)


_registry: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> MessageKind:
    existing = _registry.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Message kind {kind.key!r} is already registered.")
    _registry[kind.key] = kind
    return kind


def get_kind(key: str) -> MessageKind:
    try:
        return _registry[key]
    except KeyError:
        raise LookupError(f"Unknown message kind {key!r}; register it in <app>/message_kinds.py.") from None


def all_kinds() -> list[MessageKind]:
    return sorted(_registry.values(), key=lambda kind: kind.key)
