from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from portal import feeds, health, views
from portal.sitemaps import SITEMAPS

# The pages, in English at their unprefixed URLs and in Japanese under /ja/ (portal/languages.py).
pages = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("map/", views.MapView.as_view(), name="map"),
    path("explore/", views.ExploreView.as_view(), name="explore"),
    path("feeds/changes/", feeds.ChangesFeed(), name="feed-changes"),
    path("feeds/countries/<str:key>/", feeds.CountryChangesFeed(), name="feed-country"),
    path("feeds/frameworks/<slug:key>/", feeds.FrameworkChangesFeed(), name="feed-framework"),
    path("feeds/topics/<slug:key>/", feeds.TopicChangesFeed(), name="feed-topic"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("", include("portal.urls_records")),
    path("", include("countries.urls")),
    path("", include("frameworks.urls")),
    path("", include("initiatives.urls")),
]
urlpatterns = [
    *i18n_patterns(*pages, prefix_default_language=False),
    path("api/v1/", include("portal.api.v1")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

handler500 = "portal.health.server_error"
