"""What every request handler reaches through ``request.app.state.stub``."""

from __future__ import annotations

from dataclasses import dataclass, field

from server_stub.catalog import Catalog
from server_stub.db import Database
from server_stub.joblist import RowCache
from server_stub.pageseek import PageSeeker
from server_stub.web import RequestLog


@dataclass
class StubState:
    db: Database
    catalog: Catalog
    token: str | None = None
    simulate: bool = True
    requests: RequestLog = field(default_factory=RequestLog)
    count_cache: dict = field(default_factory=dict)
    pieces: object = None  # joblist.Pieces
    seeker: PageSeeker = field(default_factory=PageSeeker)
    row_cache: RowCache = field(default_factory=RowCache)
    keys_ahead: dict = field(default_factory=dict)  # joblist.read_ahead -> joblist.page_keys
    applier: object = None  # commands.CommandApplier
    simulator: object = None  # simulator.Simulator
