"""Driving the field app as a user does: log in, fill its forms, read its queue from the DOM."""

from tests.support.accounts import PASSWORD

SETTLE_MS = 60_000


def open_app(stack_url, context):
    """A page on the app, with its service worker in control (the shell cached)."""
    page = context.new_page()
    page.goto(f"{stack_url}/app/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    return page


def log_in(page, username):
    """Log in with the password grant from the login screen."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=pending-count]")


def wait_for_lookups(page):
    """The activity form has read (and so cached) the vocabularies and the villages."""
    for name in ("type", "village_code"):
        page.wait_for_function(
            "(name) => document.querySelectorAll(`select[name=${name}] option`).length > 1",
            arg=name,
        )


def tab(page, label):
    """Press a tab of the bottom bar."""
    page.click(f"nav.tabs button:has-text('{label}')")


def new_activity(page, title, headcount=0, venue="村委会", starts=None, ends=None, locate=False):
    """Fill the new-activity form and save it on the phone; the check-in screen follows.
    With `locate`, the phone's position is asked for (定位) and shown before saving."""
    tab(page, "新活动")
    page.select_option("select[name=type]", index=1)
    page.fill("input[name=title]", title)
    page.select_option("select[name=organiser]", index=1)
    page.select_option("select[name=village_code]", index=1)
    page.fill("input[name=venue]", venue)
    if starts:
        page.fill("input[name=starts_at]", starts)
        page.fill("input[name=ends_at]", ends or starts)
    page.fill("input[name=headcount]", str(headcount))
    if locate:
        page.click("button:has-text('定位')")
        page.wait_for_selector("small:has-text(',')")  # "lat, lon" instead of 未定位
    page.click("[data-testid=save-activity]")
    page.wait_for_selector("[data-testid=checkin-activity]")
    return page.eval_on_selector("[data-testid=notice]", "node => node.textContent"), activity_key(
        page, title
    )


def activity_key(page, title):
    """The UUID the app gave the activity of that title (from its queue in IndexedDB)."""
    found = [i for i in stored_items(page) if i["kind"] == "activity" and i["title"] == title]
    return found[0]["key"]


def check_in(page, name, ref=None):
    """Check one person in on the check-in screen (the name field takes the next at once)."""
    before = int(page.text_content("[data-testid=checkin-count]"))
    page.fill("input[name=attendee_name]", name)
    if ref:
        page.fill("input[name=attendee_ref]", ref)
    page.press("input[name=attendee_name]", "Enter")
    page.wait_for_function(
        "(before) => Number(document.querySelector('[data-testid=checkin-count]').textContent)"
        " > before",
        arg=before,
    )


def pending(page):
    """The count of records not yet uploaded, as the header shows it."""
    return int(page.text_content("[data-testid=pending-count]"))


def counts(page):
    """The queue screen's count per state: {pending, sending, uploaded, failed, conflict}."""
    tab(page, "上传队列")
    return {
        state: int(page.get_attribute(f"[data-testid=count-{state}]", "data-count"))
        for state in ("pending", "sending", "uploaded", "failed", "conflict")
    }


def wait_for_pending(page, number, timeout=SETTLE_MS):
    """Until the header says that many records are not uploaded."""
    page.wait_for_function(
        "(number) => document.querySelector('[data-testid=pending-count]').textContent.trim()"
        " === String(number)",
        arg=number,
        timeout=timeout,
    )


def queue_item(page, key):
    """The queue screen's card of one record."""
    tab(page, "上传队列")
    return page.locator(f"[data-testid=queue-item][data-id='{key}']")


def flush_now(page):
    """Press 立即上传 and wait until the upload has finished."""
    tab(page, "上传队列")
    page.click("[data-testid=flush]")
    page.wait_for_selector("[data-testid=flush]:not([disabled])")


def queue_state(page, key):
    """The state a record's card on the queue screen shows (its data-state)."""
    return queue_item(page, key).get_attribute("data-state")


def wait_for_state(page, key, state, timeout=SETTLE_MS):
    """Until the record's card on the queue screen is in that state."""
    tab(page, "上传队列")
    page.wait_for_selector(
        f"[data-testid=queue-item][data-id='{key}'][data-state='{state}']", timeout=timeout
    )
    return queue_item(page, key)


def read_store(page, store, key=None):
    """What the app keeps in one IndexedDB store: everything, or the value under `key`."""
    return page.evaluate(
        """async ([store, key]) => {
            const db = await new Promise((ok, bad) => {
                const open = indexedDB.open("pufa-field");
                open.onsuccess = () => ok(open.result);
                open.onerror = () => bad(open.error);
            });
            const found = await new Promise((ok) => {
                const objects = db.transaction(store).objectStore(store);
                const ask = key === null ? objects.getAll() : objects.get(key);
                ask.onsuccess = () => ok(ask.result);
            });
            db.close();
            return found;
        }""",
        [store, key],
    )


def stored_items(page):
    """Everything in the phone's queue (IndexedDB), as the app stored it."""
    return read_store(page, "items")


def wait_for_kind(page, kind, state, count=1, timeout=SETTLE_MS):
    """Until the queue screen shows `count` records of a kind in that state (a save is
    asynchronous: the header's count may not have risen yet when a click returns)."""
    tab(page, "上传队列")
    page.wait_for_function(
        "([kind, state, count]) => document.querySelectorAll("
        "`[data-testid=queue-item][data-kind=${kind}][data-state=${state}]`).length === count",
        arg=[kind, state, count],
        timeout=timeout,
    )
