"""Keep each hour allocation's delivered hours in step with the outcomes, whoever writes them (expert, admin),
and with the allocation itself (created again, moved to another area, saved from a form read earlier)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from agreements.models import HourAllocation

from .models import SessionOutcome
from .services import outcome_hours_changed, recount_delivered_hours


@receiver(post_save, sender=SessionOutcome, dispatch_uid="consultations_outcome_saved")
def outcome_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures carry the allocations' counters with them
        outcome_hours_changed(instance.consultation_id)


@receiver(post_delete, sender=SessionOutcome, dispatch_uid="consultations_outcome_deleted")
def outcome_deleted(sender, instance, **kwargs):
    outcome_hours_changed(instance.consultation_id)


@receiver(post_save, sender=HourAllocation, dispatch_uid="consultations_allocation_saved")
def allocation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        recount_delivered_hours(HourAllocation.objects.filter(pk=instance.pk))
