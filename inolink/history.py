"""One change in a row's history for one write of the row and its many-to-many values.

django-simple-history records a row when it is saved and again when a tracked many-to-many field is set, so a
service that saves an outcome and then the indicator areas it served leaves two changes, the first without the
areas. ``HistoryWithManyToMany`` keeps itself on its model, so that ``save_with_many_to_many`` can write the row
and its values without either record and then record the change once, with the values in it.
"""

from simple_history.models import HistoricalRecords


class HistoryWithManyToMany(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender._history_with_many_to_many = self


def save_with_many_to_many(instance, **values) -> None:
    """Save ``instance`` and set its many-to-many fields (name=objects) as one change in its history."""
    created = instance.pk is None
    instance.skip_history_when_saving = True
    try:
        instance.save()
        for name, objects in values.items():
            getattr(instance, name).set(objects)
    finally:
        del instance.skip_history_when_saving
    type(instance)._history_with_many_to_many.create_historical_record(instance, "+" if created else "~")
