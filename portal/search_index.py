"""The stored search index: one SearchEntry per published record, kept by the app.

What a record's entry reads is declared elsewhere and read here: its names, description
and citations from the record, and the names of every record linked to it from the link
graph (portal.links), so the framework's name is found on its events, the countries on
an agreement and the dialogue on its meetings. portal.changes calls `update()` with the
records a change touches, once the change commits (admin edits, publishing, imports, the
fixture loader); `rebuild()` (manage.py rebuild_search_index) redoes all of it.
"""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import translation

from portal.links import sides
from portal.search import name_keys

# Japan is a party to most records: as a facet value it would head every list.
HOME_COUNTRY = "JP"


def searchable_models():
    from portal.record_kinds import RECORD_KINDS

    return RECORD_KINDS


def _japanese_name(record):
    """The name a Japanese page gives the record (a title staff entered, a country's CLDR
    name), or "" when it is the source's."""
    with translation.override("ja"):
        return record.local_name


def _names(record):
    names = [
        record.name,
        getattr(record, "acronym", ""),
        str(record),
        _japanese_name(record),
        *record.aliases,
    ]
    seen = []
    for name in names:
        if isinstance(name, str) and name and name not in seen:
            seen.append(name)
    return seen


def entry_for(record):
    """The SearchEntry of a published record loaded `with_links()`."""
    from countries.models import Country
    from portal.api.fields import api_url
    from portal.models import SearchEntry

    linked, countries = [], set()
    for side in sides(type(record)):
        for other in side.records(record):
            linked.extend(_names(other)[:3])
            if isinstance(other, Country):
                countries.add(other.public_id)
    if isinstance(record, Country):
        countries.add(record.public_id)
    if record.public_id != HOME_COUNTRY:
        countries.discard(HOME_COUNTRY)
    span = getattr(record, "date", None)
    last = span.last_day if span else None
    names = "\n".join(_names(record))
    return SearchEntry(
        kind=record._meta.model_name,
        record_pk=record.pk,
        public_id=record.public_id,
        title=str(record)[:300],
        title_ja=_japanese_name(record)[:300],
        path=record.get_absolute_url(),
        api_path=api_url(record, None),
        names=names,
        name_keys=name_keys(names),
        linked="\n".join(dict.fromkeys(linked)),
        description=record.description,
        quotes="\n".join(citation.quote for citation in record.citations.all()),
        countries="".join(f"|{code}" for code in sorted(countries)) + ("|" if countries else ""),
        year_first=span.start.year if span else None,
        year_last=last.year if last else None,
        date_label=span.label() if span else "",
        date_iso=span.iso() if span else "",
        date_start=span.start if span else None,
    )


def update(keys=None):
    """Rebuild the entries of these (model label, pk) records, or of every record: a
    record no longer published (or gone) loses its entry."""
    import portal.api.v1  # noqa: F401  (registers where each kind lives in the API)
    from portal.models import SearchEntry

    wanted = None
    if keys is not None:
        wanted = defaultdict(set)
        for label, pk in keys:
            wanted[label].add(pk)
    # Stored in the site's language, whichever page's request made the change.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for model in searchable_models():
            label, kind = model._meta.label, model._meta.model_name
            if wanted is not None and label not in wanted:
                continue
            records = model.objects.published().with_links()
            stale = SearchEntry.objects.filter(kind=kind)
            if wanted is not None:
                records = records.filter(pk__in=wanted[label])
                stale = stale.filter(record_pk__in=wanted[label])
            entries = [entry_for(record) for record in records]
            stale.delete()
            SearchEntry.objects.bulk_create(entries)


def rebuild():
    update(None)
