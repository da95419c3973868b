"""Views that are not part of one app: the server-error page in the API's error shape."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error as html_server_error


def server_error(request: HttpRequest) -> HttpResponse:
    """A crash is still a JSON error for API clients (never a stack trace or an HTML page)."""
    if request.path.startswith("/api/"):
        body = {"error": {"code": "server_error", "message": "the server failed; it was logged"}}
        return JsonResponse(body, status=500)
    return html_server_error(request)
