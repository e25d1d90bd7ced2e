from django import template

from portal.feeds import feed_url_for

register = template.Library()


@register.simple_tag
def feed_url(record):
    """The Atom feed of changes about a country, framework or topic; '' for other kinds."""
    return feed_url_for(record)
