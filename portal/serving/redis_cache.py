"""Django's Redis cache with one redis-py client per connection pool, and the response
cache's and rate limit's commands sent in one round trip each.

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
        return self.round_trip(("SET", key, 0, "EX", timeout, "NX"), ("INCR", key))[1]

    def round_trip(self, *commands):
        """The replies to these commands, sent together on one pooled connection. The
        response cache's hit path: redis-py's client and pipeline layers (retries, event
        hooks, metrics) cost more than the round trip itself."""
        pool = self._get_connection_pool(True)
        connection = pool.get_connection()
        try:
            connection.send_packed_command(connection.pack_commands(commands))
            return [connection.read_response() for _ in commands]
        except BaseException:
            connection.disconnect()  # never hand back a connection with replies unread
            raise
        finally:
            pool.release(connection)

    def get_many_and_count(self, keys, counter_key, timeout):
        if counter_key is None:
            (values,) = self.round_trip(("MGET", *keys))
            count = None
        else:
            _, count, values = self.round_trip(
                ("SET", counter_key, 0, "EX", timeout, "NX"), ("INCR", counter_key), ("MGET", *keys)
            )
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

    def get_many_and_count(self, keys, counter_key=None, timeout=None):
        """get_many(keys) and, with a counter_key, count(counter_key, timeout), in one round
        trip: (found, count or None). counter_key is a whole key, as the cache that owns
        the counter made it, on the same Redis server (settings.REDIS_URL serves every
        cache)."""
        key_map = {self.make_and_validate_key(key): key for key in keys}
        found, count = self._cache.get_many_and_count(
            list(key_map), counter_key, self.get_backend_timeout(timeout)
        )
        return {key_map[k]: v for k, v in found.items()}, count
