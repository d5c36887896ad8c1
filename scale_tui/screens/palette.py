"""The command palette (ctrl+p): "go to job N", "open log of execution N", and every key of the
current screen as a command, so nothing is reachable only by remembering a key."""

from __future__ import annotations

import re
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

_JOB = re.compile(r"^\s*(?:go\s*to\s*)?(?:job\s*)?#?(\d+)\s*$", re.IGNORECASE)
_LOG = re.compile(r"^\s*(?:open\s*)?log\s*(?:of\s*)?(?:execution\s*)?#?(\d+)\s*$", re.IGNORECASE)
_BATCH = re.compile(r"^\s*(?:jobs\s*(?:in|of)\s*)?batch\s*#?(\d+)\s*$", re.IGNORECASE)
_RECIPE = re.compile(r"^\s*(?:jobs\s*(?:in|of)\s*)?recipe\s*#?(\d+)\s*$", re.IGNORECASE)


class ConsoleCommands(Provider):
    """Jumps by number, plus the current screen's bindings."""

    def _screen_commands(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for every described binding of the screen under the palette."""
        screen = self.screen
        seen: set[str] = set()
        found = []
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            if binding.action.startswith(("app.command_palette", "cursor_", "scroll_", "page_")):
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            found.append((binding.description, f"key {key}", binding.action, active.node))
        return found

    def _run(self, node, action: str) -> None:
        self.app.call_later(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        yield DiscoveryHit("Go to job…", partial(self.app.notify, "Type a job id, e.g. 'job 42'."),
                           help="type: job 42")
        yield DiscoveryHit("Open log of execution…",
                           partial(self.app.notify, "Type 'log' and the execution id."),
                           help="type: log 1234")
        for title, help_text, action, node in self._screen_commands():
            yield DiscoveryHit(title, partial(self._run, node, action), help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.app
        if match := _JOB.match(query):
            job_id = int(match.group(1))
            yield Hit(100, f"Go to job {job_id}", partial(app.open_job, job_id),
                      help="open the job's details")
        if match := _LOG.match(query):
            execution_id = int(match.group(1))
            yield Hit(100, f"Open log of execution {execution_id}",
                      partial(app.open_log, execution_id), help="execution id, not exe_num")
        if match := _BATCH.match(query):
            batch_id = match.group(1)
            yield Hit(90, f"Jobs in batch {batch_id}",
                      partial(app.jump_to_jobs, batch_id=batch_id),
                      help="every job of the batch: the other filters are replaced")
        if match := _RECIPE.match(query):
            recipe_id = match.group(1)
            yield Hit(90, f"Jobs of recipe {recipe_id}",
                      partial(app.jump_to_jobs, recipe_id=recipe_id),
                      help="every job of the recipe: the other filters are replaced")
        matcher = self.matcher(query)
        for title, help_text, action, node in self._screen_commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, node, action),
                          help=help_text)
