"""The threads signed routes run in: a call's answer or error comes back to the awaiting task,
with the task's context variables; a task cancelled meanwhile waits for its call to end."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading

import pytest

from parley.api.worker_threads import WorkerThreads

_SEEN: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="none")


def test_a_call_answers_in_another_thread_with_the_callers_context() -> None:
    threads = WorkerThreads(2)

    def call() -> tuple[str, str]:
        return _SEEN.get(), threading.current_thread().name

    async def main() -> tuple[str, str]:
        _SEEN.set("request 1")
        return await threads.run(call)

    seen, thread = asyncio.run(main())
    assert seen == "request 1"
    assert thread.startswith("parley-route-")


def test_an_error_of_the_call_is_raised_in_the_awaiting_task() -> None:
    threads = WorkerThreads(1)

    def call() -> None:
        raise LookupError("no such batch")

    with pytest.raises(LookupError, match="no such batch"):
        asyncio.run(threads.run(call))


def test_calls_at_once_share_the_threads_and_each_gets_its_own_answer() -> None:
    threads = WorkerThreads(3)
    both = threading.Barrier(3, timeout=10)  # three calls run at the same time, one a thread

    def call(n: int) -> int:
        both.wait()
        return n * n

    async def main() -> list[int]:
        return list(
            await asyncio.gather(*(threads.run(functools.partial(call, n)) for n in range(3)))
        )

    assert asyncio.run(main()) == [0, 1, 4]


def test_a_cancelled_task_waits_for_its_call_to_end() -> None:
    threads = WorkerThreads(1)
    started, release = threading.Event(), threading.Event()
    ended: list[bool] = []

    def call() -> None:
        started.set()
        release.wait(10)
        ended.append(True)

    async def main() -> None:
        task = asyncio.create_task(threads.run(call))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        task.cancel()
        await asyncio.sleep(0.05)
        assert not task.done()  # the use case begun runs to its end first
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert ended == [True]

    asyncio.run(main())
