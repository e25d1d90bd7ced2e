"""The interactive API docs under the strict CSP (settings.SECURE_CSP).

drf-spectacular's split view serves Swagger UI's start-up script as its own response
(?script), so the page holds no inline script. Its plain view also sets
Cross-Origin-Opener-Policy: unsafe-none, for OAuth pop-ups the portal does not use; this one
keeps the site's same-origin policy.
"""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.headers.get("Cross-Origin-Opener-Policy") == "unsafe-none":
            del response.headers["Cross-Origin-Opener-Policy"]
        return response
