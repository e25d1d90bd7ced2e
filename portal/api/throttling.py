from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address, at the rate settings give now (not at import time)."""

    scope = "client"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
