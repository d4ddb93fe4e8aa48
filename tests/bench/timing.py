"""Sending benchmark bodies from CLIENTS threads and timing it."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

CLIENTS = 8
JSON_BODY = {"Content-Type": "application/json"}


def sending_time(url, bodies, headers):
    """Send the bodies from CLIENTS threads, each on a connection of its own and taking
    the next body when answered; return the seconds it took. (Bodies used to be tied to
    connections by their number: a worker holding 5 of the 8 connections then got 5/8 of
    the bodies while the other went idle.)"""
    own = threading.local()
    payloads = [json.dumps(body).encode() for body in bodies]  # not the service's work
    headers = headers | JSON_BODY

    def send(payload):
        if not hasattr(own, "session"):
            own.session = requests.Session()
        answer = own.session.post(url, data=payload, headers=headers, timeout=60)
        assert answer.status_code in (200, 201), answer.text[:300]

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, payloads))
    return time.perf_counter() - started


def alternating_rates(bare_url, our_url, bodies, headers, slices, items_per_request=1):
    """Items per second of the bare baseline and of ours, the bodies sent in `slices`
    slices that alternate between the two (a drifting machine speed hits both alike)."""
    size = len(bodies) // slices
    bare_seconds = our_seconds = 0.0
    for start in range(0, size * slices, size):
        part = bodies[start : start + size]
        bare_seconds += sending_time(bare_url, part, {})
        our_seconds += sending_time(our_url, part, headers)
    items = size * slices * items_per_request
    return items / bare_seconds, items / our_seconds
