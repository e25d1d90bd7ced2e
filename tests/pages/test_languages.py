"""English at the URLs the site always had, Japanese under /ja/: the interface, the switcher
and hreflang, dates, country names and the Japanese names staff enter."""

from html import unescape

import pytest
from django.core.cache import caches

from portal.models import SearchEntry
from portal.navigation import list_url
from portal.record_kinds import RECORD_KINDS
from tests.factories import AgreementFactory, CountryFactory, TopicFactory

pytestmark = pytest.mark.django_db

# The interface in English, each string as a Japanese page must no longer show it.
ENGLISH_INTERFACE = [
    "Skip to content",
    "Search the portal",
    "Bodies and people",
    ">Explore<",
    ">Timeline<",
    ">Home<",
    "Key facts",
    "Apply filters",
    "Cite this record",
    "Where the white paper says so",
    "Download all data",
]
# And as the Japanese interface says it, on every page: the menu, the search box, the footer.
JAPANESE_INTERFACE = [
    "本文へ移動",
    "ポータル内を検索",
    "機関・人物",
    ">横断検索<",
    ">年表<",
    "合意文書",
    "全データのダウンロード",
]


def text_of(response):
    return unescape(response.content.decode())


def test_english_stays_at_its_urls_and_japanese_is_under_ja(client, graph):
    english = client.get("/agreements/moc-vietnam-2024/")
    japanese = client.get("/ja/agreements/moc-vietnam-2024/")
    assert english.status_code == japanese.status_code == 200
    assert '<html lang="en">' in english.text
    assert '<html lang="ja">' in japanese.text
    assert english["Content-Language"] == "en" and japanese["Content-Language"] == "ja"
    # The URL alone names the language: no answer varies on the browser's.
    assert "accept-language" not in english.get("Vary", "").lower()
    assert client.get("/en/agreements/moc-vietnam-2024/").status_code == 404
    # The browser's language never moves a permanent link: no redirect, English as before.
    asked_in_japanese = client.get("/agreements/", headers={"accept-language": "ja"})
    assert asked_in_japanese.status_code == 200 and '<html lang="en">' in asked_in_japanese.text


def test_the_api_and_the_admin_stay_unprefixed_and_the_api_english(client, graph):
    response = client.get("/api/v1/agreements/moc-vietnam-2024/", headers={"accept-language": "ja"})
    assert response.status_code == 200
    assert response.json()["date"]["label"] == "August 2024"
    assert response.json()["html_url"].endswith("/agreements/moc-vietnam-2024/")
    assert "/ja/" not in response.json()["html_url"]
    assert client.get("/ja/api/v1/agreements/").status_code == 404
    assert client.get("/ja/admin/").status_code == 404


def test_a_japanese_page_has_the_japanese_interface(client, graph):
    for path in ["/ja/", "/ja/agreements/", "/ja/agreements/moc-vietnam-2024/", "/ja/search/"]:
        page = text_of(client.get(path))
        missing = [words for words in JAPANESE_INTERFACE if words not in page]
        left = [words for words in ENGLISH_INTERFACE if words in page]
        assert (path, missing, left) == (path, [], [])
    record = text_of(client.get("/ja/agreements/moc-vietnam-2024/"))
    assert "基本情報" in record and "この記録の引用" in record
    assert "<dt>種類</dt>" in record and "<dt>日付</dt>" in record
    listing = text_of(client.get("/ja/agreements/"))
    assert "条件を適用" in listing and "合意文書 3件" in listing


def test_every_page_has_the_switcher_and_hreflang_to_the_same_page_and_query(client, graph):
    for path in ["/agreements/", "/ja/agreements/"]:
        page = client.get(f"{path}?country=VN&page_size=25").text
        query = "?country=VN&amp;page_size=25"
        for code, url in [
            ("en", f"http://testserver/agreements/{query}"),
            ("ja", f"http://testserver/ja/agreements/{query}"),
            ("x-default", f"http://testserver/agreements/{query}"),
        ]:
            assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in page
        other = "/ja/agreements/" if path == "/agreements/" else "/agreements/"
        name = "日本語" if other.startswith("/ja/") else "English"
        code = "ja" if other.startswith("/ja/") else "en"
        assert f'<a href="{other}{query}" hreflang="{code}" lang="{code}">{name}</a>' in page
        assert 'aria-current="true"' in page
    # A page that does not exist still offers itself in the other language.
    missing = client.get("/ja/no-such-page/")
    assert missing.status_code == 404 and '<html lang="ja">' in missing.text
    assert 'href="/no-such-page/" hreflang="en"' in missing.text
    assert "ページが見つかりません" in missing.text


def test_the_sitemap_lists_each_record_in_both_languages_with_alternates(client, graph):
    sitemap = client.get("/sitemap.xml").text
    assert "http://testserver/agreements/moc-vietnam-2024/" in sitemap
    assert "http://testserver/ja/agreements/moc-vietnam-2024/" in sitemap
    assert 'hreflang="x-default"' in sitemap


def test_dates_read_in_japanese_on_japanese_pages(client, graph):
    AgreementFactory(
        slug="range-2024",
        name="A two-day meeting statement",
        date_start="2024-02-06",
        date_end="2024-02-07",
        date_precision="day",
    )
    assert "2024年8月" in text_of(client.get("/ja/agreements/moc-vietnam-2024/"))
    assert "2024年2月6日～7日" in text_of(client.get("/ja/agreements/range-2024/"))
    assert "6–7 February 2024" in text_of(client.get("/agreements/range-2024/"))
    assert "2024年" not in text_of(client.get("/agreements/range-2024/"))


def test_a_country_is_named_in_japanese_from_cldr_with_the_source_name_beside(client, graph):
    japanese = text_of(client.get("/ja/countries/VN/"))
    assert "<h1>ベトナム</h1>" in japanese
    assert '出典での名称： <span lang="en">Vietnam</span>' in japanese
    assert "ベトナム" in text_of(client.get("/ja/agreements/"))  # the facet and the parties
    assert "ベトナム" not in text_of(client.get("/countries/VN/"))


def test_a_japanese_name_shows_on_japanese_pages_only_when_staff_entered_one(client, graph):
    agreement = graph["made"][0]
    page = text_of(client.get("/ja/agreements/moc-vietnam-2024/"))
    assert '<h1 lang="en">MoC moc-vietnam-2024</h1>' in page
    assert "出典での名称" not in page
    agreement.name_ja = "日越協力覚書"
    agreement.save()
    page = text_of(client.get("/ja/agreements/moc-vietnam-2024/"))
    assert "<h1>日越協力覚書</h1>" in page
    assert '出典での名称： <span lang="en">MoC moc-vietnam-2024</span>' in page
    assert "日越協力覚書" in text_of(client.get("/ja/agreements/"))
    english = text_of(client.get("/agreements/moc-vietnam-2024/"))
    assert "日越協力覚書" not in english and '<h1 lang="en">MoC moc-vietnam-2024</h1>' in english
    assert client.get("/api/v1/agreements/moc-vietnam-2024/").json()["name"] == agreement.name


def test_a_japanese_name_is_found_by_search(client, django_capture_on_commit_callbacks):
    # Committed as far as the app can tell: the search index is kept on commit.
    with django_capture_on_commit_callbacks(execute=True):
        TopicFactory(slug="submarine-cables", name="Submarine cables", name_ja="海底ケーブル")
        CountryFactory(code="VN", name="Viet Nam")
    assert SearchEntry.objects.get(public_id="submarine-cables").title_ja == "海底ケーブル"
    page = text_of(client.get("/ja/search/?q=海底ケーブル"))
    assert 'href="/ja/topics/submarine-cables/"><mark>海底ケーブル</mark></a>' in page
    assert "海底ケーブル" in page
    english = text_of(client.get("/search/?q=海底ケーブル"))
    assert 'href="/topics/submarine-cables/">Submarine cables</a>' in english
    hits = client.get("/api/v1/search/?q=海底ケーブル").json()["results"]
    assert [hit["id"] for hit in hits] == ["submarine-cables"]
    # A country is found by its Japanese name too.
    hits = client.get("/api/v1/search/?q=ベトナム").json()["results"]
    assert "VN" in [hit["id"] for hit in hits]


def test_a_language_never_gets_the_other_languages_cached_page(client, settings):
    settings.CACHE_RESPONSES = True
    caches["responses"].clear()
    TopicFactory(slug="open-ran", name="Open RAN")
    for round_ in ("miss", "hit"):
        for path, lang in [("/topics/open-ran/", "en"), ("/ja/topics/open-ran/", "ja")]:
            for accept in ("en", "ja"):
                response = client.get(path, headers={"accept-language": accept})
                assert response.status_code == 200
                assert f'<html lang="{lang}">' in response.text, (path, accept)
                # The path alone decides the language: both headers share one entry.
                expected = round_ if accept == "en" else "hit"
                assert response.headers["X-Cache"] == expected, (path, accept, round_)


def test_every_page_kind_renders_in_japanese_and_no_fixture_names_one_in_japanese(
    client, site_rows
):
    for model in RECORD_KINDS:
        assert not model.objects.exclude(name_ja="").exists(), model
    paths = ["/ja/", "/ja/search/?q=ITU", "/ja/explore/", "/ja/timeline/", "/ja/map/"]
    paths += ["/ja/compare/?a=VN&b=TH", "/ja/sources/white-paper/text/", "/ja/feeds/changes/"]
    for model in RECORD_KINDS:
        paths.append(f"/ja{list_url(model)}")
        paths.append(f"/ja{model.objects.published().order_by('pk').first().get_absolute_url()}")
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        if "feeds" in path:
            assert "ICT国際戦略ポータル" in response.text
            continue
        page = text_of(response)
        assert '<html lang="ja">' in page, path
        assert [words for words in JAPANESE_INTERFACE if words not in page] == [], path
        assert [words for words in ENGLISH_INTERFACE if words in page] == [], path


def test_fixed_markup_is_written_once_per_language_and_script_prefix():
    from django.template import engines
    from django.urls import get_script_prefix, set_script_prefix
    from django.utils import translation

    page = engines["django"].from_string(
        '{% load i18n portal %}{% fixed %}{% translate "Skip to content" %} {% url "home" %}'
        " [{{ query }}]{% endfixed %}"
    )
    prefix = get_script_prefix()
    try:
        with translation.override("en"):
            assert page.render({"query": "open ran"}) == "Skip to content / []"
            assert page.render({}) == "Skip to content / []"
        with translation.override("ja"):
            assert page.render({}) == "本文へ移動 /ja/ []"
        set_script_prefix("/portal/")
        with translation.override("en"):
            assert page.render({}) == "Skip to content /portal/ []"
    finally:
        set_script_prefix(prefix)
