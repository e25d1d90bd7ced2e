from rest_framework.exceptions import NotFound

from initiatives.api.serializers import (
    AgreementSerializer,
    DialogueSerializer,
    InitiativeSerializer,
    MeetingSerializer,
    StatisticSerializer,
)
from initiatives.filters import (
    AgreementFilter,
    DialogueFilter,
    InitiativeFilter,
    MeetingFilter,
    StatisticFilter,
)
from initiatives.models import Agreement, Dialogue, Initiative, Meeting, MeetingFormat, Statistic
from portal.api.views import DatedRecordViewSet, PortalContentNegotiation


class MeetingFormatNegotiation(PortalContentNegotiation):
    """?format=online|in_person|hybrid is the old name of the meeting_format filter."""

    filter_values = frozenset(MeetingFormat.values)


class DialogueViewSet(DatedRecordViewSet):
    serializer_class = DialogueSerializer
    filterset_class = DialogueFilter
    queryset = Dialogue.objects.published().with_links()


class MeetingViewSet(DatedRecordViewSet):
    """Meetings, looked up by their dialogue's slug and their own (/meetings/us-japan-dde/14th/)."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    queryset = Meeting.objects.published().with_links()
    lookup_value_regex = "[^/]+/[^/]+"
    content_negotiation_class = MeetingFormatNegotiation
    ordering = ["dialogue__name", "number", "date_start"]

    def get_object(self):
        dialogue_slug, _, slug = self.kwargs["pk"].partition("/")
        queryset = self.filter_queryset(self.get_queryset())
        meeting = queryset.filter(dialogue__slug=dialogue_slug, slug=slug).first()
        if meeting is None:
            raise NotFound(f"No meeting {slug!r} of dialogue {dialogue_slug!r}.")
        self.check_object_permissions(self.request, meeting)
        self._instance = meeting
        return meeting


class AgreementViewSet(DatedRecordViewSet):
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    queryset = Agreement.objects.published().with_links()


class InitiativeViewSet(DatedRecordViewSet):
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    queryset = Initiative.objects.published().with_links()


class StatisticViewSet(DatedRecordViewSet):
    serializer_class = StatisticSerializer
    filterset_class = StatisticFilter
    queryset = Statistic.objects.published().with_links()
