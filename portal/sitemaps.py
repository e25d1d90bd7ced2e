from django.contrib.sitemaps import Sitemap

from portal.record_kinds import RECORD_KINDS


class RecordSitemap(Sitemap):
    # Each record in every language, each entry naming the others (hreflang) and English as
    # the default.
    i18n = True
    alternates = True
    x_default = True

    def __init__(self, model):
        self.model = model

    def items(self):
        queryset = self.model.objects.published().order_by("pk")
        if self.model._meta.model_name == "meeting":
            queryset = queryset.filter(dialogue__status="published").select_related("dialogue")
        return queryset

    def lastmod(self, record):
        return record.updated_at


SITEMAPS = {model._meta.model_name: RecordSitemap(model) for model in RECORD_KINDS}
