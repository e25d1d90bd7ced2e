from django.db import models


class DataVersion(models.Model):
    """One row: a number every change to public data moves on (see portal/serving/cache.py).
    Cached responses are keyed by it, so none outlives the data it was built from."""

    version = models.BigIntegerField()

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"data version {self.version}"
