"""The console's log file: created 0600 whatever the umask. Its own module so that a script,
which writes no log file, does not import logging.handlers (issue 15, docs/startup.md)."""

from __future__ import annotations

import os
from logging.handlers import RotatingFileHandler


class PrivateLogFile(RotatingFileHandler):
    """The console's log file and its rotated copy, created 0600 whatever the umask: they quote
    job errors and URLs of the cluster, which other users of the machine need not read."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)  # an older file, created before this rule
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)
