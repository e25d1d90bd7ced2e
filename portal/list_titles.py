"""The title of a filtered list page: the kind and what the filters keep, in words.

"Agreements with Vietnam", "Events under ITU in 2024". Built from the filter form's cleaned
values, which hold the linked records the form already fetched to validate them: naming
them costs no query.
"""

# How a list of each kind says "linked to this country" (default: "with").
COUNTRY_WORDS = {
    "event": "involving",
    "statistic": "on",
    "organization": "in",
    "person": "from",
    "framework": "with member",
    "region": "including",
}
REGION_WORDS = {"country": "in", "region": "including"}

# (parameter, words before its value), in the order they are read out.
PHRASES = [
    ("dialogue", "of the"),
    ("country", None),  # per kind, above
    ("region", None),
    ("framework", "under"),
    ("topic", "on"),
    ("year", "in"),
    ("date_from", "from"),
    ("date_to", "until"),
    ("q", "matching"),
    ("updated_since", "changed since"),
]
# Choice filters read out as a qualifier in parentheses after the kind.
CHOICES = ["kind", "format", "qualifier", "currency"]


def list_title(model, form):
    """The page title for a list of `model` filtered by a valid filter `form`."""
    kind = model._meta.model_name
    title = str(model._meta.verbose_name_plural).capitalize()
    data = form.cleaned_data
    qualifiers = [
        str(dict(form.fields[name].choices).get(data[name], data[name]))
        for name in CHOICES
        if data.get(name) not in (None, "")
    ]
    if qualifiers:
        title += f" ({', '.join(qualifiers)})"
    for name, words in PHRASES:
        value = data.get(name)
        if value in (None, ""):
            continue
        if name == "country":
            words = COUNTRY_WORDS.get(kind, "with")
        elif name == "region":
            words = REGION_WORDS.get(kind, "with countries in")
        if name == "year":
            value = int(value)
        elif name == "q":
            value = f"“{value}”"
        elif name == "updated_since":
            value = value.isoformat()
        title += f" {words} {value}"
    return title
