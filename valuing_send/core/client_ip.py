"""The address a request came from, for lockouts (django-axes) and the audit log.

Behind ``TRUSTED_PROXY_COUNT`` proxies (a load balancer, say) each proxy appends the address it
saw to ``X-Forwarded-For``, so the client is the entry that many places from the right; anything
further left was written by the client and cannot be trusted. With no proxy it is REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
