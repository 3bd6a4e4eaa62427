from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Every list is paginated: 50 rows a page by default, at most 200 (``?page_size=``)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
