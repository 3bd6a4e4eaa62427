"""Email backends for tests."""

import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(LocmemBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(LocmemBackend):
    """Locmem, but slow enough that two workers overlap while a batch is being sent."""

    def send_messages(self, messages):
        time.sleep(0.2)
        return super().send_messages(messages)
