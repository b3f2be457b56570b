"""Headers Django does not set itself (it sets CSP, X-Frame-Options, nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy and, in production, HSTS):

- ``Permissions-Policy``: no page uses the camera, microphone, location, payment or USB;
- ``Cross-Origin-Resource-Policy``: nothing of ours is loaded by other sites;
- ``Cache-Control: no-store`` on every page for a signed-in person: pages about children must
  not stay in a shared computer's browser cache or a proxy (static files keep their caching).
"""

from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Only a user the request already looked up (no query here, and none if the database
        # has just failed): every page about children looks its user up.
        user = getattr(request, "_cached_user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-store, private, no-cache, max-age=0
        return response
