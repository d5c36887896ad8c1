"""A stand-in for Scale's v6 job services: FastAPI over stdlib sqlite3, with a simulator.

Entry points: :func:`server_stub.app.create_app`, :class:`server_stub.runner.StubServer`,
:func:`server_stub.runner.spawn_stub` and the ``scale-stub`` command (:mod:`server_stub.cli`).
"""
