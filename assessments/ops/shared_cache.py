"""The shared cache on Redis (IMHCF_REDIS_URL): django-redis, told to answer "not cached"
when Redis cannot be reached (IGNORE_EXCEPTIONS), so Redis down is not the site down:
sessions are read from the database (cached_db), pages are rendered afresh.

One answer is changed: `add` answers "added" rather than "not added" while Redis is
down. allauth takes a lock with `add` before counting a sign-in against its rate limits
(and records a used authenticator code with it); "not added" would refuse every sign-in
with 429 after a second's wait. So while Redis is down, allauth's rate limits and its
check that a code is not used twice in its 30 s are off; django-axes' lockout, kept in
the database, still stops password guessing."""

from typing import Any

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted


class SharedCache(RedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return bool(self.client.add(*args, **kwargs))
        except ConnectionInterrupted:
            if not self._ignore_exceptions:
                raise
            self.logger.warning("Redis cannot be reached: add() answered as done")
            return True
