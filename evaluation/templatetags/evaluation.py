"""{% rating_panel clip %}: the rating form on a clip page, for the clip's own artist."""

from django import template

from evaluation import selectors, tag_words

register = template.Library()


@register.inclusion_tag("evaluation/_rating_panel.html", takes_context=True)
def rating_panel(context, clip):
    user = context["request"].user
    mine = user.is_authenticated and clip.artist_id == user.pk
    rating = selectors.rating_of(clip=clip, artist=user) if mine else None
    return {
        "clip": clip,
        "show": mine,
        "rating": rating,
        "chosen": {t.pk for t in rating.tags.all()} if rating else set(),
        "tags": selectors.tags_offered() if mine else [],
        "scores": range(1, 6),
        "version": clip.job.model_version,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def tag_name(tag) -> str:
    """A tag's name in the page's language (evaluation.tag_words)."""
    return tag_words.tag_name(tag)


@register.filter
def tag_description(tag) -> str:
    return tag_words.tag_description(tag)
