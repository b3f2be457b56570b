"""Django's Redis cache, except that an unreachable Redis reads as a miss and a write is
dropped (with a warning in the log) instead of failing the page: the cache only ever holds what
can be worked out again."""

import hashlib
import logging

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.safestring import mark_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one ``redis.Redis`` per connection pool: Django
    builds a new one (and its table of a few hundred reply parsers) for every cache call, about
    0.3 ms each. A ``redis.Redis`` is safe to share between threads (its pool hands out the
    connections)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    def _quietly(self, operation, default, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning("Cache unavailable (%s): %s", operation, error.__class__.__name__)
            return default

    def get(self, key, default=None, version=None):
        return self._quietly("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._quietly("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._quietly("has_key", False, key, version)

    def set(self, key, value, timeout=None, version=None):
        return self._quietly("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._quietly("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._quietly("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._quietly("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._quietly("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._quietly("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._quietly("incr", None, key, delta, version)

    def clear(self):
        return self._quietly("clear", False)


FRAGMENT_SECONDS = 600


def cached_fragment(namespace: str, authority_id: int, inputs, render) -> str:
    """HTML that depends only on ``inputs`` (for example a filter form: its choices and the
    values chosen), rendered once by ``render()`` and kept in the cache per authority for ten
    minutes, keyed by a digest of the inputs, so a change to any of them is a new entry. Never
    for anything typed that may be personal data: the caller leaves that out (and renders)."""
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]
    key = f"{namespace}:{authority_id}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)
