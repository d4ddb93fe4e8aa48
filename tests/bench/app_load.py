"""The field app in chromium against the real gateway: a cold load with an empty cache and
a warm one (the service worker's shell), each to interactive, with the bytes that came over
the network; then a flush of 500 queued activities, beside the same 500 sent as one batch
from Python (the bare baseline, in the same run)."""

import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

from tests.bench.bodies import activity
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.field_app import log_in, wait_for_pending
from tests.integration.conftest import start_system
from tests.support.accounts import Logins, run_flask_command
from tests.support.processes import RedisServer

QUEUED = 500
COMPONENTS = ("registry", "activities", "gateway")
QUEUE_ITEMS = """async (items) => {
    const db = await new Promise((ok) => {
        const open = indexedDB.open("pufa-field");
        open.onsuccess = () => ok(open.result);
    });
    const tx = db.transaction("items", "readwrite");
    for (const item of items) tx.objectStore("items").put(item);
    await new Promise((ok) => (tx.oncomplete = ok));
    db.close();
}"""


def network_bytes(page):
    """A counter of the bytes of every answer that came over the network (not the cache)."""
    total = {"bytes": 0}

    def add(request):
        answer = request.response()
        if answer is not None and not answer.from_service_worker:
            sizes = request.sizes()
            total["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", add)
    return total


def load(context, url, ready_selector):
    """Open the app; return (seconds until `ready_selector` shows, bytes over the network)."""
    page = context.new_page()
    counted = network_bytes(page)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready_selector)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    return page, seconds, counted["bytes"]


def queued(owner, number):
    """`number` activities as the app keeps them in its queue, waiting to be uploaded."""
    items = []
    for n in range(number):
        data = activity(n)
        key, at = data.pop("id"), f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.000Z"
        item = {"key": key, "owner": owner, "kind": "activity", "service": "activities"}
        items.append(
            item
            | {"title": data["title"], "data": data, "state": "pending", "problem": None}
            | {"created_at": at, "updated_at": at}
        )
    return items


def browser_figures(browser, url):
    """(cold load, its bytes, warm load, its bytes, flush of QUEUED) in seconds and bytes."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page, cold, cold_bytes = load(context, url, "input[name=username]")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    log_in(page, "user-staff")
    page.close()
    page, warm, warm_bytes = load(context, url, "[data-testid=pending-count]")
    context.set_offline(True)
    page.evaluate(QUEUE_ITEMS, queued("user-staff", QUEUED))
    page.reload()
    wait_for_pending(page, QUEUED)
    begun = time.perf_counter()
    context.set_offline(False)
    wait_for_pending(page, 0, timeout=300_000)
    return cold, cold_bytes, warm, warm_bytes, time.perf_counter() - begun


def bare_batch(gateway_url, header):
    """Seconds to send QUEUED new activities as one batch from Python."""
    body = {"items": [{"kind": "activity", "data": activity(n)} for n in range(QUEUED)]}
    url = f"{gateway_url}/api/v1/activities/activities/batch"
    begun = time.perf_counter()
    answer = requests.post(url, json=body, headers=header, timeout=300)
    seconds = time.perf_counter() - begun
    assert answer.status_code == 200, answer.text[:300]
    return seconds


def run():
    """Print the load and flush times."""
    var_dir = Path(tempfile.mkdtemp(prefix="bench-app-"))
    redis = RedisServer(var_dir / "redis")
    settings = {"RATE_LIMIT_PER_ADDRESS": "100000 per minute"}
    started, env = start_system(var_dir, redis.url, COMPONENTS, **settings)
    try:
        run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
        logins = Logins(started["gateway"].url, env)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            cold, cold_bytes, warm, warm_bytes, flushed = browser_figures(
                browser, f"{started['gateway'].url}/app/"
            )
            browser.close()
        bare = bare_batch(started["gateway"].url, logins.header("staff"))
    finally:
        for process in started.values():
            process.stop()
        redis.stop()
    print(f"app load, empty cache: {cold * 1000:.0f} ms to the login form, {cold_bytes:,} B")
    print(f"app load, warm: {warm * 1000:.0f} ms to the signed-in screen, {warm_bytes:,} B")
    print(
        f"flush of {QUEUED} queued activities: {flushed:.2f} s from `online` to none pending;"
        f" the same {QUEUED} as one batch from Python: {bare:.2f} s; ratio {flushed / bare:.1f}x"
    )
