from django.http import Http404


def int_or_404(value) -> int:
    """An object id from the request; anything that is not a whole number is "not found", never a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
