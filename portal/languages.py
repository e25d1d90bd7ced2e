"""The site's two languages and where each page lives in them.

English stays at the URLs the site always had, so permanent links and citations keep
working; Japanese is the same path under /ja/ (`i18n_patterns` with
`prefix_default_language=False` in portal/urls.py). Paths are never translated, so a page in
the other language is the same path with the prefix added or taken off: that holds for a
404 too, which `translate_url()` (it resolves the path) could not answer.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.middleware import locale
from django.utils.translation import get_language_from_path, get_language_info


def request_language(request) -> str:
    """The language LocaleMiddleware activates for this request: the path's prefix, else
    English (also for the unprefixed API and admin), never the Accept-Language header."""
    return get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


@lru_cache(maxsize=4096)
def unprefixed_path(path_info: str) -> str:
    """The path without its language prefix ("/ja/countries/" -> "/countries/"); a page of
    search hits asks for twenty."""
    language = get_language_from_path(path_info)
    if language and language != settings.LANGUAGE_CODE:
        return path_info[len(language) + 1 :] or "/"
    return path_info


def path_in(language: str, path_info: str) -> str:
    """The same page in another language ("/countries/", "ja" -> "/ja/countries/")."""
    path = unprefixed_path(path_info)
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


@dataclass
class Alternate:
    code: str
    name: str  # in its own language: "English", "日本語"
    path: str  # with the query string, for the switcher
    url: str  # absolute, as hreflang wants
    current: bool


def alternates(request) -> list[Alternate]:
    """This page in every language, with its query string, for the switcher and hreflang."""
    current = request_language(request)
    query = request.META.get("QUERY_STRING", "")
    found = []
    for code, _ in settings.LANGUAGES:
        path = request.META.get("SCRIPT_NAME", "") + path_in(code, request.path_info)
        path += f"?{query}" if query else ""
        name = get_language_info(code)["name_local"]
        found.append(Alternate(code, name, path, request.build_absolute_uri(path), code == current))
    return found


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, without its `Vary: Accept-Language`: here the URL alone names the language
    (request_language), so no answer varies on the header and a shared cache may keep one
    copy of each page."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.has_header("Vary"):
            kept = [
                header.strip()
                for header in response["Vary"].split(",")
                if header.strip() and header.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
