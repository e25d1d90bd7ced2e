import pytest
from django.contrib.admin import site
from django.urls import reverse

from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_portal_covers(client):
    CountryFactory(code="JP")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "MIC White Paper" in response.text or "White Paper 2025" in response.text


def test_every_model_has_a_working_admin_list_and_add_page(admin_client):
    for model in site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, changelist
        # Read-only in the admin: django-axes' records of sign-ins, pending revisions.
        if not site._registry[model].has_add_permission(response.wsgi_request):
            continue
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert admin_client.get(add).status_code == 200, add


def test_admin_search_works_on_every_model(admin_client):
    for model in site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist, {"q": "Japan"}).status_code == 200, changelist
