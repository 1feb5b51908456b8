"""Who may see the inbox: logged-in, active staff. Anonymous visitors are sent to the login page
(htmx requests through `HX-Redirect`, so a login form never lands inside a pane); logged-in
users without staff status get 403."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.conf import settings
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if getattr(request, "htmx", False):
                next_path = request.htmx.current_url_abs_path or "/"
                response = redirect_to_login(next_path, resolve_url(settings.LOGIN_URL))
                return HttpResponse(status=401, headers={"HX-Redirect": response["Location"]})
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("This account has no access to the inbox.")
        return view(request, *args, **kwargs)

    return wrapper
