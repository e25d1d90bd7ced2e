from django.apps import AppConfig


class ServingConfig(AppConfig):
    """Serving many readers from any number of processes: the data version and the
    whole-response cache keyed by it (cache.py). The signals that move the version on are
    connected by portal/changes.py, with the changes feed's."""

    name = "portal.serving"
    label = "serving"
    verbose_name = "Serving"
