"""The hostile Scale (tests/hostile/answers.py) through every screen and dialog of the console.

After each step every visible cell is checked (each screen's compositor strips, and every
Static's whole content rendered at its width, scrolled out of view or not): no ESC, BEL, C0/C1
control, bidi or zero-width character, and no ``@click`` action in any segment's style. The
console must still be running, and the hostile text must be on screen (escaped, markup shown
as written), or the test proves nothing.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.app import App
from textual.visual import Visual, visualize
from textual.widgets import Static

from scale_tui.api import ScaleClient
from scale_tui.core.sanitize import UNSAFE
from scale_tui.screens.job_details import JobDetailsScreen
from tests.fakes import serve
from tests.hostile import answers as hostile
from tests.pilot import wait_until

pytestmark = pytest.mark.usefixtures("frozen_clock")


def visible_text(app: App) -> str:
    """Every visible cell of every screen on the stack, as text (checked as it is gathered)."""
    lines: list[str] = []
    for screen in app.screen_stack:
        for strip in screen._compositor.render_strips():
            lines.append(_checked(strip, f"{type(screen).__name__} strip"))
        for widget in screen.query(Static):
            width = widget.content_region.width
            if not width or not widget.display:
                continue
            # As Textual draws it: a string render() is markup unless the widget says otherwise.
            visual = visualize(widget, widget.render(), markup=widget._render_markup)
            strips = Visual.to_strips(widget, visual, width, None, widget.visual_style)
            lines.extend(_checked(strip, f"{type(widget).__name__}#{widget.id}")
                         for strip in strips)
    return "\n".join(lines)


def _checked(segments, where: str) -> str:
    text = ""
    for segment in segments:
        assert isinstance(segment, Segment)
        found = UNSAFE.search(segment.text)
        assert found is None, f"{where}: {found.group()!r} in {segment.text[:120]!r}"
        meta = segment.style.meta if segment.style else {}
        assert "@click" not in meta, f"{where}: action link {meta['@click']!r} on {segment.text!r}"
        text += segment.text
    return text


def assert_inert_and_shown(app: App, *marks: str) -> str:
    text = visible_text(app)
    assert app.is_running and app.return_code is None
    for mark in marks:
        assert mark in text, f"{mark!r} is not on screen"
    return text


def details_loaded(app: App, job_id: int) -> bool:
    return (isinstance(app.screen, JobDetailsScreen) and app.screen.job is not None
            and app.screen.job.id == job_id)


@pytest.fixture
async def hostile_app(make_app):
    client = ScaleClient("http://hostile.test", transport=hostile.scale(), max_tries=1,
                         backoff=0)
    app = make_app("http://hostile.test", client=client)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:  # toasts drawn
        yield app, pilot
    await client.aclose()


async def test_jobs_screen_filters_palette_and_help(hostile_app):
    app, pilot = hostile_app
    await wait_until(pilot, lambda: "pwned" in visible_text(app))
    assert_inert_and_shown(app, "␛]0;pwned")
    await pilot.press("f")  # the filter panel: the job type select holds server names
    await wait_until(pilot, lambda: "any job type" in visible_text(app))
    assert_inert_and_shown(app)
    await pilot.press("escape", "escape")
    await pilot.press("question_mark")
    await pilot.pause()
    assert_inert_and_shown(app, "Keys")
    await pilot.press("escape")
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"job 1")
    await wait_until(pilot, lambda: "Go to job 1" in visible_text(app))
    assert_inert_and_shown(app)
    await pilot.press("enter")
    await wait_until(pilot, lambda: "node.host" in visible_text(app))
    assert_inert_and_shown(app, hostile.LITERAL_MARKUP)


def input_files_shown(app: App) -> bool:
    text = visible_text(app)  # once a poll: gathering and checking every cell is the cost
    return "file.tif" in text or "input files detail" in text


async def test_job_details_every_tab_and_the_execution(hostile_app):
    app, pilot = hostile_app
    for job_id in hostile.JOB_IDS:
        app.open_job(job_id)
        await wait_until(pilot, lambda job_id=job_id: details_loaded(app, job_id))
        seen = ""
        for key in "123456":
            await pilot.press(key)
            await pilot.pause()
            if key == "2":  # the input files table (job 1), or its hostile error (the others)
                await wait_until(pilot, lambda: input_files_shown(app))
            seen += assert_inert_and_shown(app)
        assert hostile.VISIBLE_MARK in seen and "[bold]x[/]" in seen
        await pilot.press("escape")
        await pilot.pause()
    app.open_execution(1, 1)
    await wait_until(pilot, lambda: "cluster" in visible_text(app))
    assert_inert_and_shown(app, hostile.VISIBLE_MARK, "task-status")


async def test_the_log_view(hostile_app):
    app, pilot = hostile_app
    app.open_log(101, job_id=1, exe_num=1)
    await wait_until(pilot, lambda: "red SGR" in visible_text(app))
    assert_inert_and_shown(app, "␛[31mred SGR␛[0m", "[bold red]not markup[/]", "A" * 100)
    for key in ("t", "w", "s"):  # timestamps, wrap, stream
        await pilot.press(key)
        await pilot.pause()
        assert_inert_and_shown(app)


async def test_toasts_and_error_details(hostile_app):
    app, pilot = hostile_app
    app.open_latest_log(3)  # its executions answer 400 with a hostile detail: a toast
    await wait_until(pilot, lambda: "Cannot find the executions" in visible_text(app))
    assert_inert_and_shown(app, hostile.VISIBLE_MARK)
    app.open_job(3)
    await wait_until(pilot, lambda: details_loaded(app, 3))
    await pilot.press("2")
    await wait_until(pilot, lambda: "input files detail" in visible_text(app))
    assert_inert_and_shown(app)


async def test_the_confirm_dialog(hostile_app):
    app, pilot = hostile_app
    app.open_job(1)
    await wait_until(pilot, lambda: details_loaded(app, 1))
    await pilot.press("c")
    await wait_until(pilot, lambda: "matching right now" in visible_text(app))
    assert_inert_and_shown(app)
    await wait_until(pilot, lambda: not app.screen.query_one("#confirm").disabled)
    await pilot.click("#confirm")
    await wait_until(pilot, lambda: "cancel detail" in visible_text(app))
    assert_inert_and_shown(app, hostile.VISIBLE_MARK)


async def test_the_queue_form(hostile_app):
    app, pilot = hostile_app
    await wait_until(pilot, lambda: "pwned" in visible_text(app))
    await pilot.press("J")
    await wait_until(pilot, lambda: "queue-name" in visible_text(app))
    assert_inert_and_shown(app, hostile.VISIBLE_MARK)
    await wait_until(pilot, lambda: "input_json" in visible_text(app))  # the manifest's inputs
    text = assert_inert_and_shown(app)
    assert "image/tiff" in text


async def test_the_triage_screen(hostile_app):
    app, pilot = hostile_app
    await wait_until(pilot, lambda: "pwned" in visible_text(app))
    app.open_triage()
    await wait_until(pilot, lambda: type(app.screen).__name__ == "TriageScreen"
                     and "job-error-title" in visible_text(app))
    assert_inert_and_shown(app, "␛]0;pwned")


async def test_the_fleet_screen(isolated, frozen_clock):
    """The fleet checks each profile over real HTTP: the hostile Scale on loopback."""
    from scale_tui.app import ScaleApp
    from scale_tui.core.config import Profile
    from tests.tui.fleet_fixtures import write_config

    with serve(hostile.scale()) as url:
        write_config(isolated, {"hostile": {"url": url}})
        app = ScaleApp("hostile", Profile(url=url, refresh_interval=300.0, page_size=40),
                       open_fleet=True)
        async with app.run_test(size=(140, 30), notifications=True) as pilot:
            await wait_until(pilot, lambda: type(app.screen).__name__ == "FleetScreen"
                             and "7.0 ␛" in visible_text(app))  # its version: hostile text
            assert_inert_and_shown(app, "7.0 ␛")
