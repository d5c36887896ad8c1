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
        self.port = port or free_port(host)
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
        self.thread = threading.Thread(target=self.server.run, name="stub-uvicorn", daemon=True)
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
        self.state.db.close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _child(conn, kwargs: dict, lifeline_fd) -> None:
    server = StubServer(**kwargs)

    def watch_parent() -> None:
        # The parent holds the other end of the pipe; EOF means it died: stop with it.
        with contextlib.suppress(EOFError, OSError):
            lifeline_fd.recv()
        server.server.should_exit = True

    server.start()
    conn.send(server.url)
    conn.close()
    threading.Thread(target=watch_parent, daemon=True).start()
    server.thread.join()
    server.state.db.close()


class StubProcess:
    """The stub in a child process, so the simulator never shares the console's event loop."""

    def __init__(self, **kwargs) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self._lifeline, child_lifeline = ctx.Pipe()
        self.process = ctx.Process(target=_child, args=(child, kwargs, child_lifeline),
                                   daemon=True, name="scale-stub")
        self.process.start()
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
        self.url: str = parent.recv()

    def stop(self) -> None:
        self._lifeline.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def spawn_stub(**kwargs) -> StubProcess:
    return StubProcess(**kwargs)
