"""The hook for notifications: sent once the change is committed.

``consultation_changed`` carries ``action`` (one of ACTIONS) and ``consultation_id``; a receiver (emails,
reminders) takes the id and loads what it needs, so nothing is sent for a change that was rolled back.
"""

from django.dispatch import Signal

ACTIONS = ("requested", "confirmed", "declined", "cancelled", "rescheduled", "reassigned", "outcome_logged", "rated")

consultation_changed = Signal()
