"""SQLite's one writer at a time, queued for in Python rather than in SQLite's busy handler.

The busy handler sleeps and polls (1, 2, 5, 10 ... 100 ms), leaving the CPU idle while the
lock is already free. Writers instead wait here: the threads of a process on a
`threading.Lock`, the processes (gunicorn workers) on an `flock` of a file beside the
database, polled every fraction of a millisecond. Either wait gives up after a timeout.
"""

import fcntl
import os
import threading
import time
import weakref

POLL_SECONDS = (0.0001, 0.0005)  # first and longest pause between tries of the file lock


class WriterLock:
    """The write lock of one SQLite file (`path` None: an in-memory database, one process)."""

    def __init__(self, path):
        self._threads = threading.Lock()
        self._path = f"{path}.writer-lock" if path else None
        self._file = None
        self._file_pid = None

    def acquire(self, timeout):
        """Take the lock within `timeout` seconds; False if it could not be had."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        try:
            if self._path is None or self._lock_file(deadline):
                return True
        except BaseException:
            self._threads.release()
            raise
        self._threads.release()
        return False

    def locked(self):
        """Whether a writer of this process holds the lock."""
        return self._threads.locked()

    def release(self):
        """Give the lock back."""
        if self._path is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()

    def _lock_file(self, deadline):
        if self._file_pid != os.getpid():  # a forked worker opens its own: locks follow it
            self._file = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._file_pid = os.getpid()
            weakref.finalize(self, os.close, self._file)
        pause = POLL_SECONDS[0]
        while True:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, POLL_SECONDS[1])
