"""What every request handler reaches through ``request.app.state.stub``."""

from __future__ import annotations

from dataclasses import dataclass, field

from server_stub.http.web import RequestLog
from server_stub.store.catalog import Catalog
from server_stub.store.db import Database
from server_stub.store.joblist import RowCache
from server_stub.store.pageseek import PageSeeker


@dataclass
class StubState:
    db: Database
    catalog: Catalog
    token: str | None = None
    simulate: bool = True
    requests: RequestLog = field(default_factory=RequestLog)
    count_cache: dict = field(default_factory=dict)
    pieces: object = None  # store.joblist.Pieces
    seeker: PageSeeker = field(default_factory=PageSeeker)
    row_cache: RowCache = field(default_factory=RowCache)
    keys_ahead: dict = field(default_factory=dict)  # joblist.read_ahead -> joblist.page_keys
    applier: object = None  # store.command_log.CommandApplier
    simulator: object = None  # sim.simulator.Simulator
