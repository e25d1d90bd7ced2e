"""Atom feeds of new and changed records: the whole portal, and what mentions one country,
framework or topic.

They read the changes log (portal.changes): a record enters a feed when what the public
sees of it was created or changed, including through a record it shows (a renamed topic).
Only records public now are listed, so a draft, or a record since unpublished, never is.
"""

import uuid

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from frameworks.models import Framework
from portal.api.fields import api_url
from portal.models import Change, ChangeAction, PublicDigest, Topic
from portal.record_kinds import RECORD_KINDS

# Entries in a feed: the newest changes, however many there are.
FEED_LIMIT = 50

GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "ict-strategy-portal/changes")

ACTIONS = {ChangeAction.CREATED: _("New"), ChangeAction.UPDATED: _("Changed")}


def recent_changes(subject=None, limit=FEED_LIMIT):
    """The newest changes to records public now, each with its record: all of them, or
    those to `subject` and to the records that show it. A fixed number of queries: the
    changes, then one per kind of record among them."""
    public = PublicDigest.objects.all()
    if subject is not None:
        path = api_url(subject, None)
        public = public.filter(Q(url=path) | Q(links__contains=f"|{path}|"))
    changes = list(
        Change.objects.filter(action__in=list(ACTIONS), url__in=public.values("url")).order_by(
            "-id"
        )[:limit]
    )
    digests = {
        row.url: row for row in PublicDigest.objects.filter(url__in={c.url for c in changes})
    }
    models = {model._meta.label: model for model in RECORD_KINDS}
    wanted = {}
    for digest in digests.values():
        wanted.setdefault(digest.model_label, set()).add(digest.record_pk)
    records = {}
    for label, pks in wanted.items():
        model = models[label]
        queryset = model.objects.published().filter(pk__in=pks)
        if model.link_related:
            queryset = queryset.select_related(*model.link_related)
        records |= {(label, record.pk): record for record in queryset}
    found = []
    for change in changes:
        digest = digests.get(change.url)
        record = digest and records.get((digest.model_label, digest.record_pk))
        if record is not None:
            found.append((change, record))
    return found


class ChangesFeed(Feed):
    """New and changed records across the portal."""

    feed_type = Atom1Feed
    title = _("ICT Strategy Portal: new and changed records")
    subtitle = format_lazy(
        _(
            "Records of Japan's international ICT strategy, transcribed from the MIC White "
            "Paper 2025, as they are published or changed; the newest {limit}."
        ),
        limit=FEED_LIMIT,
    )

    def link(self, subject=None):
        return subject.get_absolute_url() if subject is not None else reverse("home")

    def feed_url(self, subject=None):
        return feed_url_for(subject) if subject is not None else reverse("feed-changes")

    def items(self, subject=None):
        return recent_changes(subject)

    def item_title(self, item):
        change, record = item
        return gettext("%(action)s: %(name)s (%(kind)s)") % {
            "action": ACTIONS[change.action],
            "name": record.local_name or record.name,
            "kind": record._meta.verbose_name,
        }

    def item_description(self, item):
        change, record = item
        return record.description or record.name

    def item_link(self, item):
        return item[1].get_absolute_url()

    def item_guid(self, item):
        # Atom wants an absolute IRI that never changes; the site's domain may.
        change, record = item
        return uuid.uuid5(GUID_NAMESPACE, f"{record.get_absolute_url()}#{change.pk}").urn

    def item_guid_is_permalink(self, item):
        return False

    def item_updateddate(self, item):
        return item[0].time

    def item_pubdate(self, item):
        return item[0].time


class SubjectChangesFeed(ChangesFeed):
    """New and changed records about one country, framework or topic (and itself)."""

    model = None

    def get_object(self, request, key):
        lookup = "code" if self.model is Country else "slug"
        return get_object_or_404(self.model.objects.published(), **{lookup: key})

    def title(self, subject):
        return gettext("ICT Strategy Portal: %(name)s, new and changed records") % {
            "name": subject.local_name or subject.name
        }

    def subtitle(self, subject):
        return gettext(
            "%(name)s and the records that mention it, as they are published or changed; the "
            "newest %(limit)s."
        ) % {"name": subject.local_name or subject.name, "limit": FEED_LIMIT}


class CountryChangesFeed(SubjectChangesFeed):
    model = Country


class FrameworkChangesFeed(SubjectChangesFeed):
    model = Framework


class TopicChangesFeed(SubjectChangesFeed):
    model = Topic


FEED_URL_NAMES = {Country: "feed-country", Framework: "feed-framework", Topic: "feed-topic"}


def feed_url_for(record) -> str:
    """The feed of a country, framework or topic; '' for other kinds."""
    name = FEED_URL_NAMES.get(type(record))
    if name is None:
        return ""
    return reverse(name, args=[record.public_id if type(record) is Country else record.slug])
