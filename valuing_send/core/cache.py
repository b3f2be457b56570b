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


def fragment_key(namespace: str, authority_id: int, inputs) -> str:
    """Where HTML made from ``inputs`` is kept for the authority: a digest of them, so a change
    to any of them is a new entry (``cached_fragment``)."""
    return f"{namespace}:{authority_id}:{_digest(inputs)}"


def _digest(value) -> str:
    """A short digest of a value's ``repr``: a fragment's key, and the stamp of what it
    depends on."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


class KeptReads:
    """The cache entries a page needs, read together in one round trip to Redis (``get_many``)
    instead of one each: a round trip costs about half a millisecond here, whatever it carries.
    What is missing is made and kept as the single reads would (``get_or_set``,
    ``cached_fragment``); an unreachable cache reads as all missing."""

    def __init__(self, keys):
        self._found = cache.get_many(list(keys))

    def get_or_set(self, key: str, make, timeout: int):
        if key in self._found:
            return self._found[key]
        value = make()
        cache.set(key, value, timeout)
        return value

    def get(self, key: str):
        return self._found.get(key)


def cached_fragment(key: str, render, *, depends_on=(), reads=None) -> str:
    """HTML that depends only on the inputs its ``key`` was made from (``fragment_key``) and on
    ``depends_on`` (for example a filter form: the values chosen, and its choices), rendered
    once by ``render()`` and kept in the cache per authority for ten minutes, so a change to
    any of them is a new entry. ``depends_on`` is what is only known after the entry is read
    (the choices, read in the same round trip, ``reads``): the entry keeps a digest of it, and
    is rendered again when it differs. Never for anything typed that may be personal data: the
    caller leaves that out (and renders)."""
    stamp = _digest(depends_on)
    kept = reads.get(key) if reads is not None else cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
        return mark_safe(kept[1])
    html = render()
    cache.set(key, (stamp, html), FRAGMENT_SECONDS)
    return mark_safe(html)
