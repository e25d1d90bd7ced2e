"""Every kind of record, in the order the portal presents them."""

from countries.filters import CountryFilter, OrganizationFilter, RegionFilter
from countries.models import Country, Organization, Region
from frameworks.filters import EventFilter, FrameworkFilter, PersonFilter
from frameworks.models import Event, Framework, Person
from initiatives.filters import (
    AgreementFilter,
    DialogueFilter,
    InitiativeFilter,
    MeetingFilter,
    StatisticFilter,
)
from initiatives.models import Agreement, Dialogue, Initiative, Meeting, Statistic
from portal.filters import FigureFilter, SourceFilter, TopicFilter
from portal.models import Figure, Source, Topic

RECORD_KINDS = [
    Country,
    Region,
    Organization,
    Framework,
    Event,
    Person,
    Agreement,
    Dialogue,
    Meeting,
    Initiative,
    Statistic,
    Topic,
    Source,
    Figure,
]
DATED_KINDS = [Framework, Event, Agreement, Dialogue, Meeting, Initiative, Statistic]

FILTERSETS = {
    Country: CountryFilter,
    Region: RegionFilter,
    Organization: OrganizationFilter,
    Framework: FrameworkFilter,
    Event: EventFilter,
    Person: PersonFilter,
    Agreement: AgreementFilter,
    Dialogue: DialogueFilter,
    Meeting: MeetingFilter,
    Initiative: InitiativeFilter,
    Statistic: StatisticFilter,
    Topic: TopicFilter,
    Source: SourceFilter,
    Figure: FigureFilter,
}
