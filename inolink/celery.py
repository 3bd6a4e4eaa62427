import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inolink.settings")

app = Celery("inolink")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
