from django.http import Http404


def int_or_404(value) -> int:
    """An object id from the request; anything that is not a whole number is "not found", never a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def query_without_page(request) -> str:
    """The request's query string without its page number: what a paginated page's links carry to other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
