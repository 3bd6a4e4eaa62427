"""Booking throughput through gunicorn on PostgreSQL: 8 clients race for the same expert's slots.

Each client is a different cluster's manager with a real session cookie, posting the real booking form with
its CSRF token. Afterwards the database is checked for overlapping live bookings of one expert (must be none).
"""

import datetime
import http.cookiejar
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from consultations.models import Consultation, Expert

from .generate import EXPERT_EMAIL

CLIENTS = 8
ATTEMPTS_PER_CLIENT = 30
GUNICORN_WORKERS = 4
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def candidate_slots() -> list[datetime.datetime]:
    """One-hour weekday slots inside the expert's 9-17 hours, 3 to 10 days ahead (past the 24 h notice)."""
    today = timezone.localdate()
    slots = []
    for days in range(3, 11):
        day = today + datetime.timedelta(days=days)
        if day.weekday() >= 5:
            continue
        for hour in range(9, 16):
            slots.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))))
    return slots[:20]


def double_bookings() -> int:
    """Pairs of an expert's live bookings that overlap (each pair counted once)."""
    live = [Consultation.Status.REQUESTED, Consultation.Status.CONFIRMED]
    later_overlap = Consultation.objects.filter(
        expert_id=OuterRef("expert_id"),
        pk__gt=OuterRef("pk"),
        status__in=live,
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    pairs = Consultation.objects.filter(status__in=live).annotate(
        overlaps=Coalesce(Subquery(later_overlap.order_by().values("expert_id").annotate(n=Count("pk")).values("n")), 0)
    )
    return pairs.aggregate(total=Coalesce(Sum("overlaps"), 0))["total"]


def client_run(base: str, cookie: str, expert: Expert, area_code: str, slots, outcome: dict, lock) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"sessionid={cookie}")]
    rng = random.Random(cookie)
    for _ in range(ATTEMPTS_PER_CLIENT):
        start = rng.choice(slots)
        local = timezone.localtime(start).strftime("%Y-%m-%dT%H:%M")
        query = urllib.parse.urlencode({"area": area_code, "expert": expert.pk, "start": local, "length": "1"})
        try:
            page = opener.open(f"{base}/consultations/book/new/?{query}", timeout=30).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            csrf_cookie = next(c.value for c in jar if c.name == "csrftoken")
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "area": area_code,
                    "expert": expert.pk,
                    "starts_at": local,
                    "hours": "1",
                    "format": "online",
                    "meeting_url": "https://meet.example.com/bench",
                    "topic": "Bench booking",
                    "agenda": "",
                }
            ).encode()
            request = urllib.request.Request(
                f"{base}/consultations/book/new/?area={area_code}",
                data=data,
                headers={"Cookie": f"sessionid={cookie}; csrftoken={csrf_cookie}", "X-CSRFToken": csrf_cookie},
            )
            with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
                response.read()  # read to the end, or the server worker waits on the unread reply
            key = "booked" if response.status == 302 else "refused"
        except urllib.error.HTTPError as error:
            key = "booked" if error.code == 302 else "errors"
        except Exception:
            key = "errors"
        with lock:
            outcome[key] += 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure_booking() -> dict:
    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL: set DATABASE_URL to a scratch database whose name contains 'bench'"}
    expert = Expert.objects.get(user__email=EXPERT_EMAIL)
    area_code = expert.service_areas.order_by("position").first().code
    managers = list(
        User.objects.filter(email__startswith="bench.manager.", managed_clusters__isnull=False).order_by("email")
    )[: CLIENTS - 1] + [User.objects.get(email="bench.manager@example.com")]
    cookies = [session_cookie(user) for user in managers]
    slots = candidate_slots()
    before = Consultation.objects.filter(expert=expert).count()

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "inolink.settings"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "inolink.wsgi", "--workers", str(GUNICORN_WORKERS),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        outcome, lock = {"booked": 0, "refused": 0, "errors": 0}, threading.Lock()
        threads = [
            threading.Thread(target=client_run, args=(base, cookie, expert, area_code, slots, outcome, lock))
            for cookie in cookies
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    attempts = sum(outcome.values())
    return {
        "clients": len(cookies),
        "gunicorn_workers": GUNICORN_WORKERS,
        "attempts": attempts,
        "seconds": round(seconds, 2),
        "attempts_per_second": round(attempts / seconds, 1),
        "booked": outcome["booked"],
        "booked_in_database": Consultation.objects.filter(expert=expert).count() - before,
        "refused": outcome["refused"],
        "errors": outcome["errors"],
        "double_bookings": double_bookings(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
