"""ScaleClient.get_scheduler against the stub, which serves Scale's SchedulerView shapes."""

from __future__ import annotations

import httpx

from scale_tui.api import ScaleClient, Scheduler
from server_stub.runner import StubServer


async def test_get_scheduler_reads_paused_and_running():
    with StubServer(jobs=5, seed=1, simulate=False, paused=True) as stub:
        async with ScaleClient(stub.url) as scale:
            paused = await scale.get_scheduler()
            assert isinstance(paused, Scheduler) and paused.is_paused is True
            assert paused.queue_mode == "FIFO" and paused.num_message_handlers == 1
            async with httpx.AsyncClient() as raw:
                r = await raw.patch(f"{stub.url}/v6/scheduler/", json={"is_paused": False})
                assert r.status_code == 204
            assert (await scale.get_scheduler()).is_paused is False


async def test_a_scheduler_field_of_the_wrong_type_is_none_not_a_crash(fake):
    fake.on("GET", "/v6/scheduler/", httpx.Response(200, json={"is_paused": "maybe",
                                                              "queue_mode": "LIFO"}))
    async with ScaleClient("http://scale.test", transport=fake) as scale:
        scheduler = await scale.get_scheduler()
    assert scheduler.is_paused is None and scheduler.queue_mode == "LIFO"
