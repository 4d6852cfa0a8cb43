"""Security headers Django 5.2 does not set by itself: the Content-Security-Policy.

Every page loads its scripts, styles, images and fonts from this server only; no inline script
or style runs (the page scripts live in static files, behaviour is bound by data attributes),
no plugin loads and no other site may frame a page or receive a form. Bootstrap draws its
form icons from ``data:`` SVG images, hence ``img-src data:``.

The policy is the same in development, tests and production, so a page that needs more than
it allows fails on a developer's machine first. ``settings.CONTENT_SECURITY_POLICY`` replaces
it (an empty string sends no header). With ``DEBUG`` on, error responses go without it, so that
Django's debug pages (inline styles and scripts) stay readable on a developer's machine.
"""

from django.conf import settings

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def policy() -> str:
    return getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's debug error pages style and script themselves inline
        value = policy()
        if value and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = value
        return response
