import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Imported once Django is set up: a cached answer is served before Django sees the request.
from portal.serving.cache import CachedApplication  # noqa: E402

application = CachedApplication(application)

# The hundred thousand objects of the loaded project live as long as the process: out of
# the collector's reach, a full collection is a few milliseconds instead of sixty, paused
# in the middle of some request (and a forked worker keeps sharing their memory pages).
gc.freeze()
