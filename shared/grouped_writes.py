"""Single records sent at the same time by several callers, written in one transaction.

A lone single create spends most of its time on the transaction around the record (begin,
the look-ups, three inserts, commit), not on the record itself. So the writes of one
process take turns: the caller whose turn it is writes every record that queued up while
the one before was writing, in ONE transaction (a Recorder per caller, so scope,
`recorded_by` and history stay each caller's own), then hands each its result. Callers who
queue while it waits for the database's write lock, or writes, join its transaction once it
holds the lock (up to GROUP_LIMIT records). A caller alone writes at once, as before; under
load the cost of a transaction is shared (on two busy workers ~2 records a transaction
instead of ~1.45, and ~7% less CPU a create).

Batches take turns too: a process records one batch at a time. Python runs one thread of
a process at a time anyway, so interleaved batches finish no sooner; they only made the
batch holding the database's write lock share the CPU with the others, holding the lock
(and every other process's writers) the longer.

If writing the group fails, a refusal the caller should see (a 503 when the registry does
not answer) reaches every caller of the group; any other failure is retried one record at a
time, so a record that breaks its write fails alone and nothing else is lost.
"""

import threading

from flask import current_app

from shared.db import BUSY_TIMEOUT_SECONDS, database_busy
from shared.errors import ApiError
from shared.record_schemas import batch_items
from shared.recording import answer_one, summarise
from shared.records import CREATED

# A caller waits at most this long for its turn (then 503: nothing was written for it).
WAIT_SECONDS = 2 * BUSY_TIMEOUT_SECONDS
# Late joiners are taken a few at a time, up to this many records in one transaction.
LATE_JOINERS_AT_ONCE, GROUP_LIMIT = 16, 64


class _Ticket:
    """One caller's record on its way: what to write, then its result (or error)."""

    def __init__(self, principal, kind_name, raw):
        self.principal, self.kind_name, self.raw = principal, kind_name, raw
        self.result = self.record = self.model = self.error = None
        self.leads = False  # woken to write the next group rather than with a result
        self.woken = threading.Event()


def _caller(principal):
    return (principal.subject, principal.role, tuple(sorted(principal.scope.items())))


class GroupedWrites:
    """The turn-taking of one app's single creates (see the module docstring)."""

    def __init__(self, make_recorder):
        self._make_recorder = make_recorder
        self._lock = threading.Lock()
        self._queue = []
        self._writing = False

    @property
    def writing(self):
        """Whether a group is being written now."""
        return self._writing

    @property
    def queued(self):
        """How many callers wait for the next group."""
        return len(self._queue)

    def record_one(self, session, principal, kind_name, raw):
        """Like `Recorder.record_one`: (record, 201) new, (record, 200) a duplicate, or the
        error its outcome stands for; written together with the records queued beside it."""
        ticket = _Ticket(principal, kind_name, raw)
        with self._lock:
            self._queue.append(ticket)
            leads, self._writing = not self._writing, True
        if not leads:
            self._wait(ticket)
            leads = ticket.leads
        if leads:
            self._write_queued(session)
        if ticket.error is not None:
            raise ticket.error
        created = ticket.record if ticket.result["status"] == CREATED else None
        return answer_one(session, ticket.model, ticket.result, created)

    def _wait(self, ticket):
        if ticket.woken.wait(WAIT_SECONDS):
            return
        with self._lock:
            if ticket in self._queue:  # never taken: nothing written, safe to retry
                self._queue.remove(ticket)
                raise database_busy()
        ticket.woken.wait()  # taken into a group (or to lead one) meanwhile: it will end

    def _write_queued(self, session):
        with self._lock:
            group, self._queue = self._queue, []
        try:
            self._write(session, group, late_joiners=True)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                self._writing = successor is not None
            if successor is not None:
                successor.leads = True
                successor.woken.set()
            for ticket in group:
                if ticket.result is None and ticket.error is None:  # the write itself broke
                    ticket.error = database_busy()
                ticket.woken.set()

    def _write(self, session, group, late_joiners=False):
        try:
            self._record(session, group)
            if late_joiners:
                self._record_late_joiners(session, group)
            session.commit()
            return
        except Exception as error:
            for ticket in group:  # nothing of this attempt was written
                ticket.result = ticket.record = None
            session.rollback()
            if isinstance(error, ApiError) or len(group) == 1:
                for ticket in group:
                    ticket.error = error
                return
        current_app.logger.warning("A grouped write failed; writing its records one by one.")
        for ticket in group:
            self._write(session, [ticket])

    def _record_late_joiners(self, session, group):
        """Take into the group (the same list) the callers who queued meanwhile: they
        join the transaction under way (its write lock held) instead of one of their own."""
        while len(group) < GROUP_LIMIT:
            with self._lock:
                late = self._queue[:LATE_JOINERS_AT_ONCE]
                del self._queue[: len(late)]
            if not late:
                return
            group.extend(late)
            self._record(session, late)

    def _record(self, session, group):
        callers = {}
        for ticket in group:
            callers.setdefault(_caller(ticket.principal), []).append(ticket)
        for tickets in callers.values():
            recorder = self._make_recorder(session, tickets[0].principal)
            results = recorder.record([(ticket.kind_name, ticket.raw) for ticket in tickets])
            for ticket, result in zip(tickets, results, strict=True):
                ticket.result = result
                ticket.record = recorder.known[ticket.kind_name].get(result.get("id"))
                ticket.model = recorder.kinds[ticket.kind_name].model


def record_batch(recorder, body):
    """Record a loaded batch request and commit, one batch at a time in this process.
    The answer: each item's result and how many ended in each status, written as it is —
    the results are already in BatchAnswer's shape (tested), and dumping 500 of them
    through the schema again cost ~10% of a batch."""
    turn = current_app.extensions.setdefault("batch_turn", threading.Lock())
    if not turn.acquire(timeout=WAIT_SECONDS):
        raise database_busy()
    try:
        results = recorder.record(batch_items(body))
        recorder.session.commit()
    finally:
        turn.release()
    return current_app.json.response({"results": results, "summary": summarise(results)})


def grouped_writes(make_recorder):
    """The app's GroupedWrites for this recorder factory (one per app and factory)."""
    groups = current_app.extensions.setdefault("grouped_writes", {})
    if make_recorder not in groups:
        groups.setdefault(make_recorder, GroupedWrites(make_recorder))
    return groups[make_recorder]
