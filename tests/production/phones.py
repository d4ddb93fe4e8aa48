"""A market day: phones that were offline all morning reconnect within a minute and upload
their queues, as the field app does (tests/production, tests/bench/market_day.py).

Each phone has its own account and its own address (127.0.0.N: the per-address limits see
separate phones), refreshes its token, then uploads its queue of 50 items in batches of 10:
a staff phone 40 activities and 10 check-ins, an advisor phone 50 consultations. Some
batches are sent and their answer never read (the connection dropped, as in a village),
then sent again. Every answer is written down with its time, so a test can say which 5xx
came when, and which item ids the server said it holds.
"""

import random
import socket
import ssl
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from tests.production.queues import MONTH, YEAR, advisor_queue, staff_queue

STAFF_SHARE = 2 / 3
PHONE_PASSWORD = "Field-phone-pass-2026"
ACTIVITY_PATH = "/api/v1/activities/activities/batch"
CONSULTATION_PATH = "/api/v1/consultations/consultations/batch"
ATTEMPTS = 40  # a phone gives up on a batch only after this many answers it cannot use
STORED = {"created", "duplicate"}


class SourceAddress(HTTPAdapter):
    """Connections from one loopback address of the phone's own."""

    def __init__(self, address):
        self.address = address
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Answer:
    at: float  # seconds since the burst began
    status: int  # 0: no answer at all (connection refused, cut, timed out)
    seconds: float
    path: str


@dataclass
class Phone:
    number: int
    username: str
    role: str
    township: str
    villages: list
    refresh_token: str = ""
    access_token: str = ""
    queue: list = field(default_factory=list)  # batches, each a list of items
    answers: list = field(default_factory=list)
    stored: set = field(default_factory=set)  # ids the server answered as held
    relogins: int = 0
    gave_up: list = field(default_factory=list)

    @property
    def address(self):
        return f"127.0.{1 + self.number // 250}.{1 + self.number % 250}"

    @property
    def path(self):
        return ACTIVITY_PATH if self.role == "staff" else CONSULTATION_PATH


class Admin:
    """The county admin at the public entry."""

    def __init__(self, url, verify, username, password):
        self.url, self.verify = url, verify
        token = _token(url, verify, grant_type="password", username=username, password=password)
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}

    def call(self, method, path, **kwargs):
        answer = requests.request(
            method,
            f"{self.url}/api/v1{path}",
            headers=self.headers,
            verify=self.verify,
            timeout=60,
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json()


def _token(url, verify, session=None, **grant):
    answer = (session or requests).post(
        f"{url}/api/v1/auth/token", json=grant, verify=verify, timeout=60
    )
    answer.raise_for_status()
    return answer.json()


def prepare(url, verify, admin, phones, seed=2026):
    """Create each phone's account (staff of a township, or an advisor) and log it in."""
    rng = random.Random(seed)
    villages = admin.call("GET", "/registry/villages")
    by_township = {}
    for village in villages:
        by_township.setdefault(village["township_code"], []).append(village["code"])
    townships = sorted(by_township)
    day = f"{YEAR}-{MONTH:02d}-15"
    staff_count = round(phones * STAFF_SHARE)
    prepared = []
    for number in range(phones):
        tag = uuid.uuid4().hex[:6]
        if number < staff_count:
            township = townships[number % len(townships)]
            phone = Phone(number, f"staff{number}-{tag}", "staff", township, by_township[township])
            scope = {"township": township}
        else:
            advisor = number - staff_count + 1
            assigned = admin.call(
                "GET", f"/registry/advisors/{advisor}/villages", params={"date": day}
            )
            phone = Phone(number, f"advisor{advisor}-{tag}", "advisor", "", assigned["villages"])
            scope = {"advisor_id": str(advisor)}
        admin.call(
            "POST",
            "/accounts",
            json={"username": phone.username, "password": PHONE_PASSWORD, "role": phone.role}
            | {"scope": scope},
        )
        phone.queue = (staff_queue if phone.role == "staff" else advisor_queue)(phone, rng)
        prepared.append(phone)

    def log_in(phone):
        session = _session(phone)
        token = _token(url, verify, session, **_password_grant(phone))
        phone.refresh_token = token["refresh_token"]

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(log_in, prepared))
    return prepared


def _session(phone):
    session = requests.Session()
    adapter = SourceAddress(phone.address)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _password_grant(phone):
    return {"grant_type": "password", "username": phone.username, "password": PHONE_PASSWORD}


def _send_and_drop(url, verify, phone, body):
    """Send a batch whole, then close the connection without reading the answer."""
    parts = urlsplit(url)
    payload = requests.models.PreparedRequest()
    payload.prepare(
        "POST",
        f"{url}{phone.path}",
        headers={"Authorization": f"Bearer {phone.access_token}"},
        json=body,
    )
    head = [f"POST {phone.path} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{name}: {value}" for name, value in payload.headers.items()]
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + payload.body
    context = ssl.create_default_context(cafile=verify) if parts.scheme == "https" else None
    try:
        with socket.create_connection(
            (parts.hostname, parts.port), timeout=10, source_address=(phone.address, 0)
        ) as plain:
            if context is None:
                plain.sendall(raw)
                return
            with context.wrap_socket(plain, server_hostname=parts.hostname) as sock:
                sock.sendall(raw)
    except OSError:
        pass  # as lost as it was meant to be


class Burst:
    """Run every phone's upload once, starting each at a random moment in the window."""

    def __init__(self, url, verify, phones, window=60.0, lost_share=0.1, seed=7):
        self.url, self.verify, self.phones = url, verify, phones
        self.window, self.lost_share = window, lost_share
        self.rng = random.Random(seed)
        self.started = None
        self.lock = threading.Lock()

    def now(self):
        return time.monotonic() - self.started

    def run(self, threads=64, during=None):
        """Upload every queue, running `during(burst)` beside it (the faults); return the
        seconds from the first upload to the last answer."""
        starts = sorted((self.rng.uniform(0, self.window), phone) for phone in self.phones)
        lost = {
            (phone.number, index)
            for phone in self.phones
            for index in range(len(phone.queue))
            if self.rng.random() < self.lost_share
        }
        self.started = time.monotonic()

        def one(start_and_phone):
            start, phone = start_and_phone
            delay = start - self.now()
            if delay > 0:
                time.sleep(delay)
            self._upload(phone, lost)

        beside = threading.Thread(target=during, args=(self,)) if during else None
        if beside:
            beside.start()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, starts))
        seconds = self.now()
        if beside:
            beside.join()
        return seconds

    def wait_until(self, second):
        """Sleep until `second` seconds into the burst."""
        time.sleep(max(0.0, second - self.now()))

    def _refresh(self, phone, session):
        try:
            answer = session.post(
                f"{self.url}/api/v1/auth/token",
                json={"grant_type": "refresh_token", "refresh_token": phone.refresh_token},
                verify=self.verify,
                timeout=30,
            )
        except requests.RequestException:
            return False
        self._note(phone, answer.status_code, answer.elapsed.total_seconds(), "/auth/token")
        if answer.status_code == 400 or answer.status_code == 401:
            # the refresh token went with an answer the phone never got: log in again
            phone.relogins += 1
            answer = session.post(
                f"{self.url}/api/v1/auth/token",
                json=_password_grant(phone),
                verify=self.verify,
                timeout=30,
            )
            self._note(phone, answer.status_code, answer.elapsed.total_seconds(), "/auth/token")
        if answer.status_code != 200:
            return False
        token = answer.json()
        phone.access_token, phone.refresh_token = token["access_token"], token["refresh_token"]
        return True

    def _note(self, phone, status, seconds, path):
        phone.answers.append(Answer(self.now(), status, seconds, path))

    def _upload(self, phone, lost):
        session = _session(phone)
        for index, batch in enumerate(phone.queue):
            body = {"items": batch}
            for attempt in range(ATTEMPTS):
                if not phone.access_token and not self._refresh(phone, session):
                    time.sleep(min(1 + attempt, 5))
                    continue
                if attempt == 0 and (phone.number, index) in lost:
                    _send_and_drop(self.url, self.verify, phone, body)
                    time.sleep(0.5)
                    continue
                began = time.monotonic()
                try:
                    answer = session.post(
                        f"{self.url}{phone.path}",
                        json=body,
                        headers={"Authorization": f"Bearer {phone.access_token}"},
                        verify=self.verify,
                        timeout=60,
                    )
                except requests.RequestException:
                    self._note(phone, 0, time.monotonic() - began, phone.path)
                    time.sleep(min(1 + attempt, 5))
                    continue
                self._note(phone, answer.status_code, time.monotonic() - began, phone.path)
                if answer.status_code == 200:
                    results = answer.json()["results"]
                    phone.stored |= {r["id"] for r in results if r["status"] in STORED}
                    if all(r["status"] in STORED for r in results):
                        break
                elif answer.status_code == 401:
                    phone.access_token = ""
                    continue
                elif answer.status_code not in (429, 502, 503, 504):
                    phone.gave_up.append((index, answer.status_code, answer.text[:300]))
                    break
                time.sleep(min(float(answer.headers.get("Retry-After") or 1), 5))
            else:
                phone.gave_up.append((index, "attempts", ""))


def uploads(phones):
    """The answers to batch uploads (not token calls) that carried an answer."""
    return [
        answer
        for phone in phones
        for answer in phone.answers
        if answer.path in (ACTIVITY_PATH, CONSULTATION_PATH) and answer.status
    ]


def percentile(values, share):
    """The value below which `share` of the values lie."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(phones, seconds):
    """What the burst did, in figures a person reads: uploads/s, p50/p95, answers by status."""
    answered = uploads(phones)
    ok = [a.seconds for a in answered if a.status == 200]
    statuses = {}
    for phone in phones:
        for answer in phone.answers:
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
    items = sum(len(batch) for phone in phones for batch in phone.queue)
    return {
        "phones": len(phones),
        "items": items,
        "seconds": round(seconds, 1),
        "items_per_second": round(items / seconds, 1) if seconds else 0,
        "batches_per_second": round(len(ok) / seconds, 1) if seconds else 0,
        "p50_ms": round(1000 * statistics.median(ok), 1) if ok else None,
        "p95_ms": round(1000 * percentile(ok, 0.95), 1) if ok else None,
        "statuses": dict(sorted(statuses.items())),
        "relogins": sum(phone.relogins for phone in phones),
    }
