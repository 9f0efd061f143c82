"""The history recorder for configuration models (django-simple-history, SPEC §13).

`ConfigHistory` records a row only when a recorded field really changed: django-celery-beat
saves each periodic task after every run (last_run_at, total_run_count) and Django saves a user
on every sign-in (last_login). Those fields are excluded from the record, and a save that
changes nothing else leaves no row, so the history holds configuration changes, not noise.
"""

from __future__ import annotations

from simple_history.models import HistoricalRecords


class ConfigHistory(HistoricalRecords):
    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and not kwargs.get("raw", False):
            if update_fields is not None and set(update_fields) <= set(self.excluded_fields or ()) | {"updated_at"}:
                return
            if not self._changed(instance):
                return
        super().post_save(instance, created, using=using, **kwargs)

    def _changed(self, instance) -> bool:
        """Whether any recorded field differs from the latest record (True when there is none)."""
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").first()
        if latest is None or latest.history_type == "-":
            return True
        for field in self.fields_included(instance):
            if field.name in ("updated_at", "date_changed"):
                continue
            try:
                before, after = field.to_python(getattr(latest, field.attname)), field.to_python(
                    getattr(instance, field.attname))
            except Exception:  # noqa: BLE001 - a value the field cannot parse is a change
                return True
            if before != after:
                return True
        return False
