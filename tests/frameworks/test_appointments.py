"""A post's date says since when; its term, the period it is for, where the text gives one."""

import pytest
from django.core.exceptions import ValidationError

from frameworks.models import Appointment
from portal.partial_dates import DateSpan
from tests.factories import FrameworkFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_term_is_kept_at_its_precision_and_apart_from_the_date():
    person = PersonFactory()
    post = Appointment(person=person, role="Vice-chair", term=" 2024/2027 ")
    post.full_clean()
    post.save()
    assert post.term == "2024/2027"
    assert post.date is None
    assert post.term_span.label() == "2024–2027"


def test_a_term_that_is_not_a_date_is_a_form_error():
    post = Appointment(person=PersonFactory(), role="Vice-chair", term="2024 to 2027")
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "is not a date" in error.value.message_dict["term"][0]


def test_the_person_page_says_since_when_and_for_which_term(client):
    person = PersonFactory()
    sg = FrameworkFactory(name="Study Group 4")
    person.appointments.create(position=1, role="Vice-chair", framework=sg, term="2024/2027")
    secretary = person.appointments.create(position=2, role="Secretary-General")
    secretary.date = DateSpan.parse("2021")
    secretary.save()
    page = client.get(person.get_absolute_url()).content.decode()
    assert "· term <time" in page and ">2024–2027</time>" in page
    assert "· since <time" in page and ">2021</time>" in page
