import django_filters

from initiatives.models import Agreement, Dialogue, Initiative, Meeting, MeetingFormat, Statistic
from portal.filters import DatedFilters, IdFilter, LinkedFilters, choice_by


class DialogueFilter(LinkedFilters, DatedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["countries"],
        "region": ["countries__regions"],
        "framework": ["framework"],
    }

    class Meta:
        model = Dialogue
        fields = ["kind"]


class MeetingFilter(LinkedFilters, DatedFilters):
    dialogue = IdFilter(label="Dialogue slug.", **choice_by(Dialogue, "slug", "dialogue"))
    meeting_format = django_filters.ChoiceFilter(
        field_name="format",
        choices=MeetingFormat.choices,
        label="How the meeting was held. The old name ?format=online|in_person|hybrid still "
        "works: those values are not output formats.",
    )
    link_paths = {
        "topic": ["topics"],
        "country": ["country", "dialogue__countries"],
        "region": ["country__regions", "dialogue__countries__regions"],
        "framework": ["dialogue__framework"],
        "dialogue": ["dialogue"],
    }

    class Meta:
        model = Meeting
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # The filter's old name, ?format=, shared with the output format (json, csv).
        if data is not None and data.get("format") in MeetingFormat.values:
            data = data.copy()
            data.setdefault("meeting_format", data["format"])
        super().__init__(data, *args, **kwargs)


class AgreementFilter(LinkedFilters, DatedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["parties__country"],
        "region": ["parties__country__regions"],
        "framework": ["framework", "parties__framework"],
    }

    class Meta:
        model = Agreement
        fields = ["kind"]


class InitiativeFilter(LinkedFilters, DatedFilters):
    link_paths = {
        "topic": ["topics"],
        "country": ["countries"],
        "region": ["regions", "countries__regions"],
        "framework": ["frameworks"],
    }

    class Meta:
        model = Initiative
        fields = ["kind"]


class StatisticFilter(LinkedFilters, DatedFilters):
    link_paths = {
        "topic": ["topic", "topics"],
        "country": ["country"],
        "region": ["region", "country__regions"],
        "framework": ["framework"],
    }

    class Meta:
        model = Statistic
        fields = ["qualifier", "currency"]
