"""Views that are not part of one app: the error pages, in the API's error shape under /api/
(docket.core.api), the site's own pages (templates/404.html, 500.html) everywhere else."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import server_error as html_server_error

__all__ = ["page_not_found", "server_error"]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An unknown address, or an Http404 raised outside DRF's handler: JSON for API clients,
    which cannot read the HTML page. DRF's own views answer a 404 through the exception
    handler in the same shape."""
    if is_api(request):
        message = f"no such address in the API: {request.path[:300]}"
        return JsonResponse({"error": {"code": "not_found", "message": message}}, status=404)
    return html_page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """A crash is still a JSON error for API clients (never a stack trace or an HTML page)."""
    if is_api(request):
        body = {"error": {"code": "server_error", "message": "the server failed; it was logged"}}
        return JsonResponse(body, status=500)
    return html_server_error(request)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")
