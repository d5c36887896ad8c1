"""What the console remembers per profile, and switching to another server."""

from __future__ import annotations

from scale_tui.core.config import Profile
from scale_tui.screens.jobs import JobsScreen
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, plain_text, settle


async def test_last_filter_comes_back_on_the_next_start(make_app):
    scale = FakeScale([job_payload(1, status="FAILED"), job_payload(2)])
    first = make_app(client=scale.client(), name="ops")
    async with first.run_test(size=(100, 24)) as pilot:
        await settle(pilot, first)
        await pilot.press("F", "t")  # failed only, last hour
        await settle(pilot, first)
    again = make_app(client=scale.client(), name="ops")
    async with again.run_test(size=(100, 24)) as pilot:
        await settle(pilot, again)
        form = again.screen.form
        assert (form.statuses, form.window) == (("FAILED",), "1h")
        assert ("status", "FAILED") in list(scale.list_requests()[-1].url.params.multi_items())
    other = make_app(client=scale.client(), name="other-cluster")
    async with other.run_test(size=(100, 24)) as pilot:
        await settle(pilot, other)
        assert other.screen.form.statuses == ()  # filters are remembered per profile


async def test_switching_profile_talks_to_the_new_server_from_a_clean_list(stub_url, make_app):
    scale = FakeScale([job_payload(9001)])
    app = make_app(client=scale.client(), name="first")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("F")
        await settle(pilot, app)
        app.switch_profile("second", Profile(url=stub_url, refresh_interval=300, page_size=40))
        await settle(pilot, app)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        assert (app.profile_name, app.client.base_url.rstrip("/")) == ("second", stub_url)
        assert jobs.form.statuses == ()  # the second profile's own (empty) filter
        assert jobs.total == 300 and 9001 not in jobs.table.job_ids


async def test_read_only_profile_is_badged_and_refuses_actions(make_app):
    scale = FakeScale([job_payload(1, status="FAILED")])
    app = make_app(client=scale.client(), name="prod", read_only=True)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        assert "READ-ONLY" in plain_text(app.screen.query_one("#header"))
        await pilot.press("c")
        await settle(pilot, app)
        assert isinstance(app.screen, JobsScreen)  # no confirmation opened
        assert any("read-only" in n.message for n in app._notifications)
        assert not [r for r in scale.requests if r.method == "POST"]
