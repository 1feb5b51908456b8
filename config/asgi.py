"""The ASGI application: Meta's webhook on its fast path, other HTTP through Django,
`/ws/inbox/` through Channels."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from inbox.routing import websocket_urlpatterns  # noqa: E402
from config import background  # noqa: E402
from webhook.asgi import WebhookFastPath  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": WebhookFastPath(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


# Everything loaded so far lives as long as the process: moved out of the garbage collector's
# view, a full collection no longer walks ~120,000 objects (~50 ms, stalling every request).
gc.freeze()


async def application(scope, receive, send):
    background.ensure_started()
    await router(scope, receive, send)
