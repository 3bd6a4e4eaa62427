"""Email backends for tests."""

import os
import smtplib
import time

from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
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


class WorkerKilled(BaseException):
    """Stands for ``kill -9`` in-process: no ``except Exception`` catches it, so nothing after it is written."""


class DyingBackend(LocmemBackend):
    """Locmem whose worker dies right after the server accepted the third message."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) == 3:
            raise WorkerKilled()
        return sent


class PoisonBackend(LocmemBackend):
    """A message whose sending kills the worker every time (e.g. it runs out of memory building it)."""

    def send_messages(self, messages):
        raise WorkerKilled()


class RecordingBackend(BaseEmailBackend):
    """Appends each accepted message's id to ``EMAIL_FILE_PATH``, a line per hand-over, like an SMTP server's log.

    Each line is one ``write`` to a file opened for appending: once it returns, the line survives ``kill -9``
    of the sender. The hand-over takes ``HAND_OVER_SECONDS``, as a real server's replies do.
    """

    HAND_OVER_SECONDS = 0.1

    def send_messages(self, messages):
        for message in messages:
            time.sleep(self.HAND_OVER_SECONDS)
            line = f"{message.extra_headers['X-InoLink-Message']}\n".encode()
            fd = os.open(settings.EMAIL_FILE_PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return len(messages)


class CountingBackend(LocmemBackend):
    """Locmem that counts the connections opened and closed, and the messages each carried (class-wide)."""

    opened = closed = 0
    carried: list[int] = []

    def open(self):
        type(self).opened += 1
        return True

    def close(self):
        type(self).closed += 1

    def send_messages(self, messages):
        type(self).carried.append(id(self))
        return super().send_messages(messages)


class UnopenableBackend(LocmemBackend):
    """A server that refuses the batch's connection; each message then tries on its own."""

    def open(self):
        raise ConnectionRefusedError("no connection")


class UnclosableBackend(LocmemBackend):
    """A server that drops the line before QUIT."""

    def close(self):
        raise ConnectionResetError("reset by peer")
