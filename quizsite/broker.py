"""The Redis broker transport, closing a channel cleanly when Redis went away.

kombu's Redis channel drains its pending ``BRPOP`` first when it closes. When the
broker has just gone away (a Redis restart) that read fails, and the close stops
there: the messages the worker still holds unacknowledged (late-acknowledged tasks
that are running) are not put back yet. Celery then drops the connection's broker
details and closes the channel a second time; putting the messages back now needs
those details and fails with an ``AttributeError``, which is not a connection error,
so the worker stops instead of reconnecting. A worker that was idle, or whose pool
was full, rode the same restart out, which is why a short restart stopped some
workers and not others.

This channel treats a failed drain like an empty one and goes on closing at once,
while the transport still knows the broker: the running tasks' messages are put back
in the queue when Redis is back, or stay in Redis's unacknowledged set until its
visibility timeout when it is not, and the worker reconnects either way.
"""

from __future__ import annotations

from queue import Empty

from kombu.transport import redis


class Channel(redis.Channel):
    def close(self) -> None:
        # kombu's stubs leave out the Redis channel's internals used here.
        if self._in_poll and not self.closed:  # type: ignore[attr-defined]
            try:
                self._brpop_read()  # type: ignore[attr-defined]
            except Empty:
                pass
            except self.connection_errors:  # type: ignore[attr-defined]
                pass  # the broker closed the connection mid-BRPOP: nothing to drain
        super().close()


class Transport(redis.Transport):
    Channel = Channel
