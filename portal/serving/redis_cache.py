"""Django's Redis cache with one redis-py client per connection pool, and counting that
costs no round trip of its own.

Django's client builds a new `redis.Redis` for every call; with redis-py 8 that object
(its table of response callbacks) cost more than the round trip itself. A `redis.Redis`
is safe to share between threads, so each pool gets one, made on first use.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key, timeout):
        pipeline = self.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]

    def get_many_and_count(self, keys, counter_key, timeout):
        pipeline = self.get_client(None, write=True).pipeline(transaction=False)
        pipeline.set(counter_key, 0, ex=timeout, nx=True)
        pipeline.incr(counter_key)
        pipeline.mget(keys)
        _, count, values = pipeline.execute()
        loads = self._serializer.loads
        return {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}, count


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key, timeout):
        """Add one to the counter at key (made with this timeout when missing) and return
        it: what `add(key, 0)` then `incr(key)` do, in one round trip."""
        key = self.make_and_validate_key(key)
        return self._cache.count(key, self.get_backend_timeout(timeout))

    def get_many_and_count(self, keys, counter_key, timeout):
        """get_many(keys) and count(counter_key, timeout), in one round trip: (found, count).
        counter_key is a whole key, as the cache that owns the counter made it, on the
        same Redis server (settings.REDIS_URL serves every cache)."""
        key_map = {self.make_and_validate_key(key): key for key in keys}
        found, count = self._cache.get_many_and_count(
            list(key_map), counter_key, self.get_backend_timeout(timeout)
        )
        return {key_map[k]: v for k, v in found.items()}, count
