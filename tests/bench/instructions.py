"""The instructions a batch item costs (valgrind's callgrind): ours against the bare
batch insert, the same 500-item batches sent to each.

This VM's speed drifts by a quarter within minutes, so items/s cannot tell a change of a
few percent from noise; the instructions run can (to ~0.1% from run to run, with a fixed
hash seed). Each side runs in a process of its own under callgrind, its app served by
Flask's test client (no HTTP, no gunicorn): once sending BATCHES batches and once twice as
many, both having made the same bodies first; the difference, over the extra items, is
what an item costs. Needs valgrind (`apt-get install valgrind`); it takes a few minutes,
so it runs only by name: `python -m tests.bench instructions`.
"""

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY, REPO_ROOT
from tests.bench import moyu_registry
from tests.bench.bodies import BATCH_SIZE, batch
from tests.support.apps import migrated

BATCHES = 4
TOTAL = re.compile(r"Collected : (\d+)")


def run():
    """Print the instructions an item costs, ours and the bare batch insert's."""
    if shutil.which("valgrind") is None:
        print("instructions: skipped, valgrind is not installed (apt-get install valgrind)")
        return
    with moyu_registry("pufa-bench-instructions-") as (var_dir, env, _processes):
        env |= {"PYTHONHASHSEED": "0"}
        runs = [(side, count) for side in ("bare", "ours") for count in (BATCHES, 2 * BATCHES)]
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            counted = pool.map(lambda run: _count(env, var_dir, *run), runs)
            totals = dict(zip(runs, counted, strict=True))
    extra_items = BATCHES * BATCH_SIZE
    bare, ours = (
        (totals[side, 2 * BATCHES] - totals[side, BATCHES]) / extra_items
        for side in ("bare", "ours")
    )
    print(f"instructions a batch item (callgrind, batches of {BATCH_SIZE}, no HTTP):")
    print(f"bare batch insert:         {bare:10,.0f}")
    print(f"activity batch:            {ours:10,.0f}  ratio {bare / ours:.3f}x (bare / ours)")


def _count(env, var_dir, side, count):
    """The instructions of one child run (`side`, sending `count` batches)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{side}-{count}-", dir=var_dir))
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "tests.bench.instructions", side, str(count), str(folder),
    ]  # fmt: skip
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    found = TOTAL.search(result.stderr)
    assert result.returncode == 0 and found, result.stderr[-2000:]
    return int(found.group(1))


def _send(side, count, folder):
    """In the child: make 2 * BATCHES bodies, then send `count` of them to `side`."""
    bodies = [json.dumps(batch()).encode() for _ in range(2 * BATCHES)]
    client, url, headers = _client(side, folder)
    assert client.post(url, json=batch(5), headers=headers).status_code == 200  # warm
    # As a gunicorn worker starts (deploy/gunicorn.conf.py): what is loaded so far is left
    # out of collections, so what this process happened to import does not count.
    gc.freeze()
    for body in bodies[:count]:
        answer = client.post(url, data=body, headers=headers, content_type="application/json")
        assert answer.status_code == 200, answer.text[:300]


def _client(side, folder):
    """The test client, batch url and headers of `side` (its database in `folder`)."""
    if side == "bare":
        from tests.bench import bare_app

        os.environ["BARE_DB"] = str(Path(folder) / "bare.db")
        return bare_app.create_app().test_client(), "/insert-many", {}
    from services.activities import create_app

    app = migrated(
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/activities.db",
                "REDIS_URL": os.environ["REDIS_URL"],
                "SERVICE_URLS": {"registry": os.environ["REGISTRY_URL"]},
                "LOG_LEVEL": "WARNING",
            }
        )
    )
    token = issue_token(DEMO_TOKEN_SIGNING_KEY, subject="1", role="admin")
    return app.test_client(), "/activities/batch", {"Authorization": f"Bearer {token}"}


if __name__ == "__main__":
    _send(sys.argv[1], int(sys.argv[2]), sys.argv[3])
