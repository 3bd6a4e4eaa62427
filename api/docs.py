"""The API's documentation page: Swagger UI from the drf-spectacular-sidecar package, under the strict CSP.

Swagger UI's files are static files of the package (no CDN), its start-up script is served by the view itself as a
script file (``?script``: drf-spectacular's "split" view), and our template has no inline style, so the page needs
nothing beyond the site's Content-Security-Policy.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    title = "InoLink API"
