"""The cluster's scheduler settings: Scale's ``Scheduler`` model, one row (id 1).

``GET /scheduler/`` shows them in ``SchedulerSerializerV6``'s field order; ``PATCH /scheduler/``
changes them as ``SchedulerView.patch_v6`` does (Scale: ``scheduler/views.py``,
``scheduler/serializers.py``, ``scheduler/models.py``): unknown fields, an empty body and a
``queue_mode`` other than FIFO/LIFO (any case) are refused first, then every value is converted
as Django 1.11's model fields do inside ``QuerySet.update`` and written in one statement.
The simulator reads ``is_paused`` (no queued job starts while it is set) and ``queue_mode``.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = ("is_paused", "num_message_handlers", "system_logging_level", "queue_mode")
QUEUE_MODES = ("FIFO", "LIFO")  # queue/models.py QUEUE_ORDER_FIFO, QUEUE_ORDER_LIFO
INT32 = 2**31 - 1  # PostgreSQL integer: Scale's database refuses anything larger (a 500)
LOGGING_LEVEL_MAX = 10  # CharField(max_length=10)

# The queue order each mode gives Queue.objects.get_queue (queue/models.py): FIFO and LIFO by
# an exact match, anything else stored (e.g. "lifo", which the view lets through) by priority
# alone. The stub adds the id as a tiebreak.
QUEUE_ORDER = {"FIFO": "priority, queued, id", "LIFO": "priority, queued DESC, id"}
QUEUE_ORDER_OTHER = "priority, id"


class SchedulerUpdateError(ValueError):
    """A PATCH Scale refuses with 400; the text is the JSON string body Scale answers with."""


@dataclass(frozen=True)
class SchedulerSettings:
    is_paused: bool = False
    num_message_handlers: int = 1
    system_logging_level: str = "INFO"
    queue_mode: str = "FIFO"

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}

    @property
    def queue_order(self) -> str:
        """The simulator's ORDER BY over QUEUED jobs."""
        return QUEUE_ORDER.get(self.queue_mode, QUEUE_ORDER_OTHER)


def read(conn) -> SchedulerSettings:
    row = conn.execute(f"SELECT {', '.join(FIELDS)} FROM scheduler WHERE id = 1").fetchone()
    if row is None:
        return SchedulerSettings()
    return SchedulerSettings(bool(row[0]), row[1], row[2], row[3])


def is_paused(conn) -> bool:
    row = conn.execute("SELECT is_paused FROM scheduler WHERE id = 1").fetchone()
    return bool(row and row[0])


def write(conn, changes: dict) -> None:
    """Store already-converted values (see ``parse_update``)."""
    if not changes:
        return
    sets = ", ".join(f"{name} = ?" for name in changes)
    values = [int(v) if isinstance(v, bool) else v for v in changes.values()]
    conn.execute(f"UPDATE scheduler SET {sets} WHERE id = 1", values)


def parse_update(data: dict) -> dict:
    """The PATCH body as the values Scale would store, in the body's order.

    Raises ``SchedulerUpdateError`` with Scale's 400 text; where Scale fails with a 500 (a
    null, a value PostgreSQL refuses, a non-string ``queue_mode``) the stub refuses with a 400
    worded the same way (server_stub/README.md lists these).
    """
    extra = [name for name in data if name not in FIELDS]
    if extra:
        raise SchedulerUpdateError(f"Unexpected fields: {', '.join(extra)}")
    if not data:
        raise SchedulerUpdateError("No fields specified for update.")
    if "queue_mode" in data:
        mode = data["queue_mode"]
        if not isinstance(mode, str) or mode.upper() not in QUEUE_MODES:
            raise SchedulerUpdateError(
                f"Unexpected value {_py2_text(mode)} for queue_mode. Valid values are "
                f"{', '.join(QUEUE_MODES)}")
    return {name: CONVERT[name](value) for name, value in data.items()}


def _validation_error(message: str) -> SchedulerUpdateError:
    # views.py: 'Validation Error: %s' % str(e), and str(ValidationError) is the repr of its
    # list of (Python 2 unicode) messages.
    return SchedulerUpdateError(f"Validation Error: [{_py2_repr(message)}]")


def _not_null(value) -> None:
    if value is None:  # Scale: an IntegrityError on the NOT NULL column (a 500)
        raise _validation_error("This field cannot be null.")


def _boolean(value) -> bool:
    """Django 1.11 ``BooleanField.to_python``."""
    _not_null(value)
    if value in (True, False):  # 1, 0 and 1.0 too
        return bool(value)
    if value in ("t", "True", "1"):
        return True
    if value in ("f", "False", "0"):
        return False
    raise _validation_error(f"'{_py2_text(value)}' value must be either True or False.")


def _integer(value) -> int:
    """Django 1.11 ``IntegerField.get_prep_value`` (``int(value)``) into a PostgreSQL integer."""
    _not_null(value)
    try:
        # Python 2's int() took no "1_000"; list, dict: a TypeError in Scale
        plain = not (isinstance(value, str) and "_" in value)
        number = int(value) if plain and isinstance(value, (int, float, str)) else None
    except (ValueError, OverflowError):
        number = None
    if number is None or not -INT32 - 1 <= number <= INT32:
        raise _validation_error(f"'{_py2_text(value)}' value must be an integer.")
    return number


def _logging_level(value) -> str:
    """``CharField(max_length=10)``: text as given; PostgreSQL refuses a longer one."""
    _not_null(value)
    if isinstance(value, bool):
        value = str(value)  # force_text(True) is u'True'
    elif isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise _validation_error(f"'{_py2_text(value)}' value must be a string.")
    if len(value) > LOGGING_LEVEL_MAX:
        raise _validation_error(f"Ensure this value has at most {LOGGING_LEVEL_MAX} characters "
                                f"(it has {len(value)}).")
    return value


def _queue_mode(value) -> str:
    return value  # stored as given: "lifo" stays "lifo" (parse_update checked it)


CONVERT = {"is_paused": _boolean, "num_message_handlers": _integer,
           "system_logging_level": _logging_level, "queue_mode": _queue_mode}


def _py2_repr(text: str) -> str:
    """``repr`` of a Python 2 unicode string: u-prefixed, non-ASCII escaped."""
    return "u" + repr(text).encode("ascii", "backslashreplace").decode("ascii")


def _py2_text(value) -> str:
    """What Python 2's ``'%s' % value`` printed for a JSON value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_py2_item(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py2_item(k)}: {_py2_item(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _py2_item(value) -> str:
    return _py2_repr(value) if isinstance(value, str) else _py2_text(value)
