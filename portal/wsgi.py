import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Imported once Django is set up: a cached answer is served before Django sees the request.
from portal.serving.cache import CachedApplication  # noqa: E402

application = CachedApplication(application)
