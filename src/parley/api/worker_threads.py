"""The threads a signed route runs in, off the event loop: a request's admission and its use
case wait on the database there (and a write on its group's commit), so each in flight holds
one thread, as many at once as the framework's own pool allows.

One hop costs a queue put and a wake-up each way, about half of what the framework's pool
(anyio) spends per call in Python on its capacity limiter, cancel scopes and checkpoints."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

THREADS = 40  # as anyio's default limit for the framework's own worker threads

_Job = tuple[
    contextvars.Context, Callable[[], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"
]


class WorkerThreads:
    """A fixed set of threads, started at the first call, taking calls in arrival order."""

    def __init__(self, count: int = THREADS) -> None:
        self._count = count
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._started = False
        self._lock = threading.Lock()

    async def run(self, call: Callable[[], T]) -> T:
        """`call()` in one of the threads, with the caller's context variables; the task
        that awaits it, cancelled meanwhile, waits for the call to end first (a use case
        begun runs to its end, as in the framework's pool), then is cancelled."""
        if not self._started:
            self._start()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._jobs.put((contextvars.copy_context(), call, loop, done))
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            await asyncio.wait([done])
            if not done.cancelled():
                done.exception()  # taken: the task ends cancelled, not with the call's error
            raise

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for n in range(self._count):
                name = f"parley-route-{n}"
                threading.Thread(target=self._work, name=name, daemon=True).start()
            self._started = True

    def _work(self) -> None:
        while True:
            context, call, loop, done = self._jobs.get()
            result, error = None, None
            try:
                result = context.run(call)
            except BaseException as e:  # handed to the awaiting task, which raises it
                error = e
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody awaits it any more
                loop.call_soon_threadsafe(_settle, done, result, error)
            del context, call, loop, done, result, error  # nothing of the request stays here


def _settle(done: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
