from django.apps import AppConfig


class ServingConfig(AppConfig):
    """Serving many readers from any number of processes: the data version and the
    whole-response cache keyed by it (cache.py)."""

    name = "portal.serving"
    label = "serving"
    verbose_name = "Serving"

    def ready(self):
        from portal.serving import cache

        cache.connect_signals()
