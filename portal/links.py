"""The link graph: every record-to-record relation, read once from the models' own fields.

A link ties two record kinds: a ForeignKey or ManyToManyField from one kind to another, or
an inline row (an agreement's party, a person's appointment) that ties its owner to other
records. Each link has an end on both kinds, so it is shown both ways. The ends a kind has
under one name form a *side* of that kind (a framework's agreements: those made under it
and those it is a party to). Prefetches, the API's linked fields, the link sections of the
record pages and the completeness test all come from here.

A new link between two kinds is one field on a model (and its migration). How a side reads
on a page can be named on the model, in `link_labels` ({side name: label}).
"""

from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Prefetch
from django.utils.text import capfirst

from portal.prepared import prepared_records

# A hierarchy (a framework under its parent, and so on) is loaded this many levels up.
HIERARCHY_DEPTH = 4
# What a record's page lists of each relation other records hold (a country's agreements,
# a framework's events), of a country's chronology and of a region's records: the rest are
# a link away (Explore, the timeline), so a page is bounded however many there are.
SECTION_ROWS = 25


@dataclass(frozen=True)
class End:
    """One end of a link, on the kind it is shown on."""

    kind: type[models.Model]
    name: str  # the side it belongs to
    target: type[models.Model]
    accessor: str  # on an instance of `kind`: "countries", "framework", "agreement_parties"
    many: bool
    # For an inline link: the field on each inline row that holds the record at this end's
    # far side ("agreement" on an AgreementParty seen from a country).
    row_field: str = ""
    # True on the owner's side of an inline link (an agreement's parties): the owner's page
    # and API show those rows themselves, with what the row says (the role, the post).
    inline_owner: bool = False

    @property
    def declared_here(self):
        """Whether the record itself holds these links (its own field or inline rows), as
        against what other records say of it: those grow with the data, these with edits."""
        return self.inline_owner or any(
            f.name == self.accessor and not f.auto_created for f in self.kind._meta.get_fields()
        )


@dataclass
class Side:
    """What a kind shows under one name: the linked records of one or more ends."""

    kind: type[models.Model]
    name: str
    label: str
    ends: list[End] = field(default_factory=list)

    @property
    def many(self):
        return any(end.many for end in self.ends)

    @property
    def inline(self):
        return all(end.inline_owner for end in self.ends)

    @property
    def target(self):
        return self.ends[0].target

    def records(self, instance):
        """The published records linked to `instance` on this side, each once, from
        what `with_links()` prefetched."""
        found = {}
        for end in self.ends:
            for record in _end_records(instance, end):
                if is_public(record):
                    found.setdefault((type(record), record.pk), record)
        records = list(found.values())
        if len(self.ends) > 1:
            records.sort(key=lambda record: str(record).lower())
        return records

    def record(self, instance):
        """The one linked record of a single-valued side, or None."""
        records = self.records(instance)
        return records[0] if records else None


def _end_records(instance, end):
    if end.row_field:
        rows = instance.__dict__.get(links_attr(end.accessor))
        if rows is None:
            rows = _prefetched(instance, end.accessor)
        return [getattr(row, end.row_field) for row in rows if getattr(row, end.row_field)]
    if end.many:
        loaded = instance.__dict__.get(links_attr(end.accessor))
        return loaded if loaded is not None else _prefetched(instance, end.accessor)
    value = getattr(instance, end.accessor)
    return [value] if value is not None else []


def links_attr(accessor):
    """Where `with_links()` puts the records of a plain many-valued end (and the rows of a
    bounded inline end): a list (to_attr), which costs Django no manager and queryset per
    record, as a prefetch cache does."""
    return f"linked_{accessor}"


def _prefetched(instance, accessor):
    """The rows `with_links()` prefetched, read from the prefetch cache: a related manager
    and a queryset made for every side of every record cost more than reading the rows."""
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is not None and accessor in cache:
        return cache[accessor]
    return getattr(instance, accessor).all()


def is_public(record):
    return getattr(record, "is_published", True)


def is_record_kind(model):
    """A record kind is a model whose manager offers `published()` (portal.models.Record)."""
    return isinstance(model, type) and hasattr(model._default_manager, "published")


def record_kinds():
    return [model for model in apps.get_models() if is_record_kind(model)]


def _inline_models():
    """Models that are not records but tie an owner record to other records: each has a
    cascading foreign key to its owner and foreign keys to other record kinds."""
    found = []
    for model in apps.get_models():
        if is_record_kind(model) or model._meta.auto_created:
            continue
        owners = [
            f
            for f in model._meta.concrete_fields
            if f.many_to_one
            and is_record_kind(f.related_model)
            and f.remote_field.on_delete is models.CASCADE
        ]
        if len(owners) == 1:
            found.append((model, owners[0]))
    return found


def _plural(model):
    return str(model._meta.verbose_name_plural).replace(" ", "_")


@cache
def all_ends() -> tuple[End, ...]:
    ends = []
    for kind in record_kinds():
        for f in kind._meta.get_fields():
            if not (f.is_relation and is_record_kind(f.related_model)):
                continue
            if f.auto_created:  # a reverse relation: its end comes from the other kind
                continue
            target = f.related_model
            accessor_back = f.remote_field.get_accessor_name()
            ends.append(End(kind, f.name, target, f.name, many=f.many_to_many))
            ends.append(End(target, accessor_back, kind, accessor_back, many=True))
    for inline, owner_field in _inline_models():
        owner = owner_field.related_model
        rows = owner_field.remote_field.get_accessor_name()
        for f in inline._meta.concrete_fields:
            if f is owner_field or not (f.many_to_one and is_record_kind(f.related_model)):
                continue
            target = f.related_model
            ends.append(
                End(owner, _plural(target), target, rows, True, row_field=f.name, inline_owner=True)
            )
            back_rows = f.remote_field.get_accessor_name()
            ends.append(End(target, _plural(owner), owner, back_rows, True, owner_field.name))
    return tuple(ends)


@cache
def sides(kind) -> tuple[Side, ...]:
    """The sides of a kind, in the order its fields and relations are declared."""
    by_name = {}
    labels = getattr(kind, "link_labels", {})
    for end in all_ends():
        if end.kind is not kind:
            continue
        if end.name not in by_name:
            by_name[end.name] = Side(kind, end.name, labels.get(end.name) or _label(end))
        by_name[end.name].ends.append(end)
    return tuple(by_name.values())


def _label(end):
    """Lazy, as `sides()` is cached across requests in every language."""
    if end.many:
        return capfirst(end.target._meta.verbose_name_plural)
    field = end.kind._meta.get_field(end.accessor)
    if field.verbose_name == field.name.replace("_", " "):  # not named otherwise: its kind
        return capfirst(end.target._meta.verbose_name)
    return capfirst(field.verbose_name)


def side(kind, name) -> Side:
    for candidate in sides(kind):
        if candidate.name == name:
            return candidate
    raise LookupError(f"{kind.__name__} has no side named {name!r}")


@dataclass
class Shown:
    side: Side
    records: list
    more: bool = False  # more are linked than `records` holds (a page's bound)
    all_url: str = ""  # where every one is listed, when `more` and somewhere does

    @property
    def record(self):
        return self.records[0] if self.records else None


def shown_links(record, limit=None):
    """What a record's page shows of the link graph: its single-valued sides as facts and
    its other sides as sections, each with its published records (with `limit`, at most
    that many of a side other records hold, read by `load_said_by_others(record, limit +
    1)`; what the record declares itself is shown whole); inline sides (an agreement's
    parties, a person's posts) are left to the kind's own template."""
    facts, sections = [], []
    for kind_side in sides(type(record)):
        if kind_side.inline:
            continue
        shown = Shown(kind_side, kind_side.records(record))
        bounded = limit is not None and not _declared_here(kind_side)
        if bounded and len(shown.records) > limit:
            shown.records, shown.more = shown.records[:limit], True
        if shown.records:
            (sections if kind_side.many else facts).append(shown)
    return facts, sections


def _linkable(model):
    """The published records of a kind, with what their links and URLs need."""
    queryset = model.objects.published()
    related = getattr(model, "link_related", ())
    return queryset.select_related(*related) if related else queryset


def _many_queryset(kind, end):
    """What a many-valued end loads: the published records, or the inline rows (with the
    records they hold) of an inline link."""
    if not end.row_field:
        return _linkable(end.target)
    rows = getattr(kind, end.accessor).rel.related_model
    if not end.inline_owner:
        owner = end.target
        return rows.objects.filter(
            owner.objects.published_condition(f"{end.row_field}__")
        ).select_related(
            end.row_field,
            *(f"{end.row_field}__{name}" for name in getattr(owner, "link_related", ())),
        )
    queryset = rows.objects.select_related(
        *(
            f.name
            for f in rows._meta.concrete_fields
            if f.many_to_one and is_record_kind(f.related_model) and f.related_model is not kind
        )
    )
    if any(f.name == "citations" for f in rows._meta.many_to_many):
        citation = rows._meta.get_field("citations").related_model
        queryset = queryset.prefetch_related(
            Prefetch("citations", citation.objects.select_related("footnote"))
        )
    return queryset


@cache
def _said_by_others(kind) -> tuple[End, ...]:
    """The many-valued ends of a kind that it does not declare itself, one per accessor:
    what other records say of it, which grows with the data."""
    found = {}
    for end in all_ends():
        if end.kind is kind and end.many and not end.declared_here:
            found.setdefault(end.accessor, end)
    return tuple(found.values())


def load_said_by_others(record, limit):
    """Read onto one record at most `limit` of each end `_said_by_others` names, one query
    each (a LIMIT: a sliced prefetch would number the rows of every record instead), where
    the readers of with_links() find them. Each query is compiled once per record and
    limit: its SQL depends on nothing else."""
    kind = type(record)
    for end in _said_by_others(kind):

        def build(end=end):
            related = getattr(record, end.accessor)
            return _many_queryset(kind, end).filter(**related.core_filters)[:limit]

        key = ("said by others", kind._meta.label, end.accessor, record.pk, limit)
        records = prepared_records(key, kind, build, instance=record)
        record.__dict__[links_attr(end.accessor)] = records


def link_loading(kind, others=True):
    """(select_related, prefetch_related) that load every side of a kind at once: one query
    per linked relation, however many records are linked; with `others` false, not the
    ends other records hold (`load_said_by_others` reads a bounded number of those)."""
    select, prefetch = [], {}
    left_out = set() if others else {end.accessor for end in _said_by_others(kind)}
    for end in all_ends():
        if end.kind is not kind or end.accessor in left_out:
            continue
        if end.row_field:
            if end.accessor not in prefetch:
                prefetch[end.accessor] = Prefetch(end.accessor, queryset=_many_queryset(kind, end))
        elif end.many:
            prefetch[end.accessor] = Prefetch(
                end.accessor, queryset=_many_queryset(kind, end), to_attr=links_attr(end.accessor)
            )
        else:
            select.append(end.accessor)
            if end.target is kind:  # a hierarchy: its ancestors come with it
                select += ["__".join([end.accessor] * n) for n in range(2, HIERARCHY_DEPTH + 1)]
            select += [
                f"{end.accessor}__{name}" for name in getattr(end.target, "link_related", ())
            ]
    return select, list(prefetch.values())


# What a version of a record holds (portal/history.py) comes from here too: the links it
# stores itself and the inline rows that live and die with it.


def stored_links(model):
    """The many-to-many links a record (or an inline row) holds itself: its linked records
    and its citations, as saved with each version and restored by a revert."""
    return list(model._meta.many_to_many)


@cache
def inline_rows(kind) -> tuple:
    """The reverse relations from a record kind to its inline rows (an agreement's parties,
    a person's posts): the models `_inline_models()` finds owned by `kind`. A dialogue's
    meetings are records themselves, with their own versions, so they are not among them."""
    return tuple(
        owner_field.remote_field
        for _, owner_field in _inline_models()
        if owner_field.related_model is kind
    )


# Kinds that say who a record involves or what it is about: a side of one of these kinds
# declared on the record itself (its members, its topics, its parties) is a key fact.
KEY_TARGETS = ("country", "organization", "framework", "topic")
KEY_FACT_LIMIT = 6


@dataclass
class KeyFact:
    label: str
    records: list
    more: int = 0  # how many more the full section lists
    section: str = ""  # the id of that section on the page


def _declared_here(kind_side):
    """A side whose links the record itself declares: its own fields and inline rows,
    not what other records say of it."""
    return all(end.declared_here for end in kind_side.ends)


def key_facts(record):
    """The linked rows of a record's key-facts panel: every single-valued side (a parent, the
    framework it was made under), then its own many-valued sides that name who it involves or
    what it is about (members, parties, topics), a few records each."""
    single, many, inline = [], [], {}
    for kind_side in sides(type(record)):
        if not _declared_here(kind_side):
            continue
        if not kind_side.many:
            found = kind_side.records(record)
            if found:
                single.append(KeyFact(kind_side.label, found))
            continue
        if kind_side.target._meta.model_name not in KEY_TARGETS:
            continue
        found = kind_side.records(record)
        if not found:
            continue
        if kind_side.inline:
            # An agreement's parties, a person's posts: one row for the inline rows.
            accessor = kind_side.ends[0].accessor
            row = inline.setdefault(accessor, KeyFact(accessor.replace("_", " ").capitalize(), []))
            row.records += found
            continue
        shown = found[:KEY_FACT_LIMIT]
        many.append(KeyFact(kind_side.label, shown, len(found) - len(shown), kind_side.name))
    return single + list(inline.values()) + many


# What a change reaches ---------------------------------------------------------------
# A record's representation shows its linked records (the ends above) and rows it embeds
# (its citations, each naming a source). So a change to any row reaches: for a record, the
# records at every end of its kind, and the records that embed a row naming it (a citation's
# footnote); for an inline row, its owner and the records it names; for an embedded row (a
# citation), the records and inline rows that embed it, and the records it names.


@cache
def embedded_models():
    """Models that are neither records nor inline rows, held by records (or inline rows)
    through a many-to-many field: a citation. {model: ((holder, field name), ...)}."""
    inline = {model for model, _ in _inline_models()}
    found = {}
    for holder in [*record_kinds(), *inline]:
        for f in holder._meta.many_to_many:
            target = f.related_model
            if is_record_kind(target) or target in inline or target._meta.auto_created:
                continue
            found.setdefault(target, []).append((holder, f.name))
    return {model: tuple(holders) for model, holders in found.items()}


def _record_fields(model):
    """The foreign keys of a non-record row that point at records."""
    return [
        f for f in model._meta.concrete_fields if f.many_to_one and is_record_kind(f.related_model)
    ]


def _rows_as_records(rows):
    """The records an inline or embedded row stands for: its owner and what it names."""
    found = set()
    for row in rows:
        for f in _record_fields(type(row)):
            pk = getattr(row, f.attname)
            if pk is not None:
                found.add((f.related_model, pk))
    return found


def _holders_of(instance):
    """The records (directly, or through an inline row) that embed this row."""
    found = set()
    for holder, name in embedded_models().get(type(instance), ()):
        holders = holder._default_manager.filter(**{name: instance.pk})
        if is_record_kind(holder):
            found |= {(holder, pk) for pk in holders.values_list("pk", flat=True)}
        else:
            found |= _rows_as_records(holders)
    return found


def records_reached(instance):
    """{(record model, pk)} whose representation may show `instance`: drafts too (callers
    keep the published ones). `instance` may just have been deleted; its pk is set."""
    model = type(instance)
    found = set()
    if is_record_kind(model):
        found.add((model, instance.pk))
        for end in all_ends():
            if end.kind is not model:
                continue
            if end.row_field:
                rows = getattr(instance, end.accessor).all()
                found |= _rows_as_records(rows)
            elif end.many:
                found |= {
                    (end.target, pk)
                    for pk in getattr(instance, end.accessor).values_list("pk", flat=True)
                }
            else:
                pk = getattr(instance, model._meta.get_field(end.accessor).attname)
                if pk is not None:
                    found.add((end.target, pk))
        # Embedded rows that name this record (a citation's footnote) show it too.
        for embedded in embedded_models():
            for f in _record_fields(embedded):
                if f.related_model is model:
                    for row in embedded._default_manager.filter(**{f.attname: instance.pk}):
                        found |= _holders_of(row)
    elif model in embedded_models():
        found |= _holders_of(instance) | _rows_as_records([instance])
    elif any(model is inline for inline, _ in _inline_models()):
        found |= _rows_as_records([instance])
    return found
