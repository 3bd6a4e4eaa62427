"""Periodic report tasks (scheduled in django-celery-beat); idempotent per period, so acks_late is safe."""

from celery import shared_task

from .services import report_send_monthly, report_send_weekly


@shared_task(acks_late=True, ignore_result=True)
def send_weekly_report():
    return report_send_weekly()


@shared_task(acks_late=True, ignore_result=True)
def send_monthly_statements():
    return report_send_monthly()
