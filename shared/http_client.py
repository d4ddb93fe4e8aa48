"""Service-to-service HTTP: one requests.Session per process, timeouts on every call.

Failures become ApiError in the shared shape: an unreachable service is 503, a slow one 504.
"""

import http.client
import logging
import threading

import requests
from flask import current_app, has_app_context, has_request_context
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from shared.auth import issue_token
from shared.errors import ApiError
from shared.request_ids import HEADER as REQUEST_ID_HEADER
from shared.request_ids import current_request_id

log = logging.getLogger(__name__)
_local = threading.local()


class UnansweredOnKeptAliveConnection(ConnectionResetError):
    """A kept-alive connection closed or reset before a byte of the answer to its next
    request: the component had let it go, so it never took that request in."""


class _NotesReuse:
    """A connection that knows whether it has answered before (it is a kept-alive one)."""

    answered = 0

    def connect(self):
        """Open a new socket: nothing has been answered on it yet."""
        self.answered = 0
        super().connect()

    def getresponse(self, *args, **kwargs):
        """The answer's head; an answerless close on a reused connection is marked so."""
        try:
            response = super().getresponse(*args, **kwargs)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
            # Not a ReadTimeout, not a partial answer (BadStatusLine, IncompleteRead): the
            # component did not even begin answering, on a connection it had kept open.
            if self.answered:
                raise UnansweredOnKeptAliveConnection(str(error)) from error
            raise
        self.answered += 1
        return response


class _Connection(_NotesReuse, HTTPConnection):
    pass


class _TLSConnection(_NotesReuse, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class RetryUnanswered(Retry):
    """One more try for a request that got no answer at all: a connection that could not be
    made, or a kept-alive one the component had closed as the request went out (any
    method, writes too: it never took the request in). A request that got part of an
    answer, that was closed unanswered on a new connection, or that timed out waiting
    for its answer may have been acted on: a write is never sent again."""

    def increment(self, method=None, url=None, *args, error=None, **kwargs):
        """urllib3's count of a failure; a read timeout is raised as it is."""
        if isinstance(error, ReadTimeoutError):
            raise error
        return super().increment(method, url, *args, error=error, **kwargs)

    def _is_connection_error(self, err):
        # urllib3 retries a connection error whatever the method: "fairly sure that the
        # server did not receive the request". A stale kept-alive connection is one.
        cause = err.args[-1] if isinstance(err, ProtocolError) and err.args else None
        return super()._is_connection_error(err) or isinstance(
            cause, UnansweredOnKeptAliveConnection
        )


RETRY = RetryUnanswered(
    total=1,
    connect=1,
    read=1,
    status=0,
    redirect=0,
    other=0,
    allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}),
    raise_on_status=False,
)


class _Adapter(HTTPAdapter):
    """requests' adapter, its pools made of connections that note their reuse."""

    def init_poolmanager(self, *args, **kwargs):
        """requests' pool manager, building our pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


def session():
    """This thread's pooled session (requests.Session is not documented as thread-safe)."""
    if getattr(_local, "session", None) is None:
        _local.session = requests.Session()
        # The components talk to each other directly: never through a proxy named in the
        # environment (HTTP_PROXY), and no .netrc credentials sent to them.
        _local.session.trust_env = False
        adapter = _Adapter(max_retries=RETRY)
        _local.session.mount("http://", adapter)
        _local.session.mount("https://", adapter)
    return _local.session


def timeouts():
    """(connect, read) timeouts from the app's config, or safe defaults outside an app."""
    if has_app_context():
        config = current_app.config
        return (config["HTTP_CONNECT_TIMEOUT"], config["HTTP_READ_TIMEOUT"])
    return (2.0, 10.0)


def call(method, url, *, service, headers=None, timeout=None, **kwargs):
    """Send one request to another component and return the requests.Response.

    Passes the current request id on. Raises ApiError(503) when the component cannot be
    reached and ApiError(504) when it does not answer within the read timeout.
    """
    headers = dict(headers or {})
    if has_request_context() and current_request_id():
        headers.setdefault(REQUEST_ID_HEADER, current_request_id())
    try:
        return session().request(
            method, url, headers=headers, timeout=timeout or timeouts(), **kwargs
        )
    except requests.exceptions.ConnectTimeout:
        raise _unavailable(service, "did not accept the connection in time") from None
    except requests.exceptions.Timeout:
        log.warning("call to %s timed out", service)
        raise ApiError(
            504, f"The {service} service did not answer in time.", code="upstream_timeout"
        ) from None
    except requests.exceptions.ConnectionError:
        raise _unavailable(service, "cannot be reached") from None


def read_body(answer, service):
    """The whole body of a streamed answer; one that breaks off before its end (the
    component died while sending it) is ApiError(503), as an answer never begun is."""
    try:
        return answer.content
    except requests.exceptions.RequestException:
        raise _unavailable(service, "broke off its answer") from None
    finally:
        answer.close()


def _unavailable(service, reason):
    log.warning("call to %s failed: %s", service, reason)
    return ApiError(
        503,
        f"The {service} service {reason}; try again shortly.",
        code="upstream_unavailable",
        headers={"Retry-After": "5"},
    )


def service_headers():
    """An Authorization header for this component calling another one (a service token)."""
    token = issue_token(
        current_app.config["TOKEN_SIGNING_KEY"],
        subject=current_app.config["COMPONENT"],
        role="service",
        ttl_seconds=120,
    )
    return {"Authorization": f"Bearer {token}"}


def get_json(service, path, *, params=None, timeout=None, missing_ok=False):
    """GET `path` of another component as this one and return its JSON answer.

    Anything but 200 is a 503 for our caller (never a silent pass), a component that does
    not answer in time too (our caller waits on us, not on it); with `missing_ok`, a 404
    returns None instead.
    """
    base = current_app.config["SERVICE_URLS"][service]
    try:
        answer = call(
            "GET",
            f"{base}{path}",
            service=service,
            headers=service_headers(),
            params=params,
            timeout=timeout,
        )
    except ApiError as error:
        if error.status != 504:
            raise
        raise _unavailable(service, "did not answer in time") from None
    if missing_ok and answer.status_code == 404:
        return None
    if answer.status_code != 200:
        raise ApiError(
            503,
            f"The {service} service answered {answer.status_code}; try again shortly.",
            code="upstream_unavailable",
        )
    try:
        return answer.json()
    except ValueError:  # requests' JSONDecodeError is one: a proxy's page, a cut-off body
        raise _unavailable(service, "answered with something that is not JSON") from None
