"""Running the stub: in a thread for tests (``StubServer``), in a child process for the demo."""

from __future__ import annotations

import contextlib
import multiprocessing
import socket
import threading
import time

START_TIMEOUT = 600.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class StubServer:
    """uvicorn on a free loopback port in a background thread; a context manager."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, **app_kwargs) -> None:
        # Imported here, not at module level: `scale-tui --demo` imports this module only to
        # spawn the child, and FastAPI + uvicorn cost the console ~0.8 s of start-up.
        import uvicorn

        from server_stub.app import create_app

        self.host = host
        # A port of our choosing is bound now and handed to uvicorn, so that no other server
        # (another stub of a fleet, say) can take it between choosing and serving.
        self.socket: socket.socket | None = None
        if not port:
            self.socket = socket.socket()
            self.socket.bind((host, 0))
            port = self.socket.getsockname()[1]
        self.port = port
        self.app = create_app(**app_kwargs)
        config = uvicorn.Config(self.app, host=self.host, port=self.port, log_level="warning",
                                lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state(self):
        return self.app.state.stub

    def start(self, timeout: float = 20.0) -> StubServer:
        sockets = [self.socket] if self.socket is not None else None
        self.thread = threading.Thread(target=self.server.run, args=(sockets,),
                                       name="stub-uvicorn", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"stub server did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None
        if self.socket is not None:
            self.socket.close()
        self.state.db.close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _child(conn, configs: list[dict], lifeline_fd) -> None:
    """Seed and serve every stub of ``configs``; report their URLs (or why not) on ``conn``."""
    try:
        servers = [StubServer(**kwargs) for kwargs in configs]
        for server in servers:
            server.start()
    except Exception as exc:  # the parent raises it with this text
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        conn.close()
        raise SystemExit(1) from None

    def watch_parent() -> None:
        # The parent holds the other end of the pipe; EOF means it died or stopped us.
        with contextlib.suppress(EOFError, OSError):
            lifeline_fd.recv()
        for server in servers:
            server.server.should_exit = True

    conn.send(("ok", [server.url for server in servers]))
    conn.close()
    threading.Thread(target=watch_parent, daemon=True).start()
    for server in servers:
        server.thread.join()
        server.stop()


class StubFleet:
    """Several stubs in one child process, each its own uvicorn server on a free loopback port.

    ``configs`` are ``create_app`` keyword arguments (plus ``host``/``port``), one dict a stub;
    ``urls`` lists their URLs in the same order. The child exits when ``stop()`` is called, when
    the parent dies, or when this object is dropped (all three close the pipe it watches), so a
    demo never leaves servers behind. A stub that cannot start stops them all with its reason.
    """

    def __init__(self, configs: list[dict]) -> None:
        configs = [dict(c) for c in configs]
        if not configs:
            raise ValueError("spawn_stubs needs at least one stub configuration")
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self._lifeline, child_lifeline = ctx.Pipe()
        self.process = ctx.Process(target=_child, args=(child, configs, child_lifeline),
                                   daemon=True, name="scale-stub")
        self.process.start()
        child.close()
        child_lifeline.close()
        # Seeding a large database takes a while; a child that died is reported at once.
        deadline = time.monotonic() + START_TIMEOUT
        while not parent.poll(0.1):
            if not self.process.is_alive():
                raise RuntimeError(f"stub process exited (code {self.process.exitcode}) "
                                   "before serving")
            if time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"stub process did not start within {START_TIMEOUT:.0f} s")
        try:
            kind, value = parent.recv()
        except EOFError:  # it died before a word
            self.process.join(timeout=10)
            kind, value = "error", f"code {self.process.exitcode}"
        parent.close()
        if kind != "ok":
            self.process.join(timeout=10)
            raise RuntimeError(f"stub process exited before serving: {value}")
        self.urls: list[str] = value

    def stop(self) -> None:
        self._lifeline.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def __enter__(self) -> StubFleet:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class StubProcess(StubFleet):
    """One stub in a child process, so the simulator never shares the console's event loop."""

    def __init__(self, **kwargs) -> None:
        super().__init__([kwargs])
        self.url: str = self.urls[0]


def spawn_stub(**kwargs) -> StubProcess:
    return StubProcess(**kwargs)


def spawn_stubs(configs: list[dict]) -> StubFleet:
    """Several stubs in one child process (``scale-tui --demo --fleet``); see ``StubFleet``."""
    return StubFleet(configs)
