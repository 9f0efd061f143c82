"""What the background work leaves for monitors: a heartbeat per periodic job and cumulative
counters. Both live in the database so every web process (and every host) reads the same
figures, whichever worker wrote them (a worker's memory is not scraped)."""

from django.db import models


class Heartbeat(models.Model):
    """The last run of a periodic job (`sweep`): when it finished, how long it took, its counts."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    duration = models.FloatField(default=0.0)  # seconds
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "heartbeat"

    def __str__(self):
        return f"{self.name} {self.at.isoformat()}"


class Counter(models.Model):
    """A cumulative counter (`metric`, `key`) -> value, only ever increased (ops.records.add)."""

    metric = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    value = models.FloatField(default=0.0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "counter"
        constraints = [models.UniqueConstraint(fields=["metric", "key"], name="ops_counter_unique")]

    def __str__(self):
        return f"{self.metric}:{self.key}={self.value:g}"
