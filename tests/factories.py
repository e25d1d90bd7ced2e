"""Factories fill only what a record needs; a test spells out what it checks."""

import factory
from factory.django import DjangoModelFactory

from countries.models import Country, Organization, Region
from frameworks.models import Event, Framework, Person
from initiatives.models import Agreement, Dialogue, Initiative, Meeting, Statistic
from portal.models import Citation, Source, Status, Topic

QUOTE = "Section 8 Promotion of international strategies for ICT"


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    slug = "white-paper"
    name = "MIC White Paper 2025, Part II Chapter 2 Section 8"
    kind = "document"
    status = Status.PUBLISHED


class CitationFactory(DjangoModelFactory):
    class Meta:
        model = Citation

    document = factory.SubFactory(SourceFactory)
    section = factory.Sequence(lambda n: f"Section 8 ({n})")
    quote = QUOTE


class RecordFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    status = Status.PUBLISHED

    @factory.post_generation
    def citations(self, create, extracted, **kwargs):
        if create:
            self.citations.set(extracted or [CitationFactory()])


class TopicFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CountryFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Country
        django_get_or_create = ["code"]

    code = "JP"
    name = "Japan"


class RegionFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class OrganizationFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Organization

    name = factory.Sequence(lambda n: f"Ministry {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")


class FrameworkFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Framework

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")


class EventFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Event

    name = factory.Sequence(lambda n: f"Summit {n}")
    slug = factory.Sequence(lambda n: f"summit-{n}")


class PersonFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class DialogueFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Dialogue

    name = factory.Sequence(lambda n: f"Policy Dialogue {n}")
    slug = factory.Sequence(lambda n: f"policy-dialogue-{n}")


class MeetingFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Meeting

    dialogue = factory.SubFactory(DialogueFactory)
    name = factory.Sequence(lambda n: f"Meeting {n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")


class AgreementFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Agreement

    name = factory.Sequence(lambda n: f"Memorandum {n}")
    slug = factory.Sequence(lambda n: f"memorandum-{n}")
    kind = "memorandum_of_cooperation"


class InitiativeFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Initiative

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    kind = "project"


class StatisticFactory(RecordFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Statistic

    name = factory.Sequence(lambda n: f"Number {n}")
    slug = factory.Sequence(lambda n: f"number-{n}")
    value = 1
