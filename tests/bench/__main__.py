"""`make bench`: activity writes through the gateway against a bare two-hop pair
(tests/bench/gateway.py), activities write throughput against a bare Flask + SQLite insert
(3 rounds; the median printed), reads through the gateway against a bare two-hop GET
(tests/bench/reads.py), the freshness of figures at 500 writes/s (tests/bench/freshness.py),
and a full rebuild of a million activities against a raw SQLite GROUP BY
(tests/bench/rebuild.py), the field app's load (tests/bench/app_load.py) and the
dashboard's, cold and warm (tests/bench/dashboard_load.py).

Starts the bundled Redis, a registry (Moyu), the activities service and the bare insert
endpoints under the same gunicorn settings, then prints items/s and the ratios: single
creates against the bare one-row insert (target >= 0.6x; sent in slices that alternate
the two), and 500-item batches (target >= 5,000/s) against the bare insert of the same
batches in one transaction, sent just before them. The bare figures show how fast this
machine was in the same run. Bodies are written to JSON before the clock starts.
`python -m tests.bench activities rebuild` runs only the benchmarks named;
`python -m tests.bench instructions` counts what a batch item costs (tests/bench/instructions.py).
"""

import sys

import requests

from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY, REPO_ROOT
from tests.bench import (
    app_load,
    dashboard_load,
    freshness,
    gateway,
    instructions,
    market_day,
    moyu_registry,
    reads,
    rebuild,
)
from tests.bench.bodies import BATCH_SIZE, activity, batch
from tests.bench.timing import CLIENTS, alternating_rates, sending_time
from tests.support.processes import (
    BIN_DIR,
    ManagedProcess,
    ServiceProcess,
    free_port,
    wait_for,
)

ROUNDS = 3  # the median round is printed
SINGLE_REQUESTS = 1000  # per round, sent in slices that alternate bare and ours:
SLICES = 4  # this VM's speed drifts within seconds, and so hits both alike
BATCHES = 2 * CLIENTS  # per round: every client sends as many (no half-idle last round)


def batch_bodies():
    """BATCHES batch requests of BATCH_SIZE new activities each."""
    return [batch() for _ in range(BATCHES)]


def throughput(url, bodies, headers, items_per_request=1):
    """Send the bodies from CLIENTS threads; return items per second."""
    return len(bodies) * items_per_request / sending_time(url, bodies, headers)


def start_bare(var_dir, env):
    """The bare insert app under the project's gunicorn settings."""
    port = free_port()
    command = [
        str(BIN_DIR / "gunicorn"), "-c", str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--control-socket", str(var_dir / "bare.ctl"),
        "tests.bench.bare_app:create_app()",
    ]  # fmt: skip
    process = ManagedProcess(command, env=env | {"BARE_DB": str(var_dir / "bare.db")},
                             log_path=var_dir / "bare.log")  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.post(f"{url}/insert", json={"id": "warm"}, timeout=1).ok
        except requests.RequestException:
            return False

    wait_for(answers, 30, "the bare app")
    return process, url


def main(names):
    """Run the named benchmarks (by default all but those run only by name)."""
    known = BENCHMARKS | BY_NAME_ONLY
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(known)}")
        return 2
    for name in names or BENCHMARKS:
        known[name]()
    return 0


def activities_benchmark():
    """Activities write throughput against the bare insert."""
    with moyu_registry("pufa-bench-") as (var_dir, env, processes):
        activities = ServiceProcess("activities", env=env, var_dir=var_dir).wait_ready()
        processes.append(activities)
        bare, bare_url = start_bare(var_dir, env)
        processes.append(bare)
        token = issue_token(DEMO_TOKEN_SIGNING_KEY, subject="1", role="admin")
        headers = {"Authorization": f"Bearer {token}"}

        throughput(f"{activities.url}/activities", [activity(n) for n in range(50)], headers)
        singles, batches = [], []
        for number in range(1, ROUNDS + 1):
            bodies = [activity(n) for n in range(SINGLE_REQUESTS)]
            bare_rate, single_rate = alternating_rates(
                f"{bare_url}/insert", f"{activities.url}/activities", bodies, headers, SLICES
            )
            singles.append((bare_rate, single_rate))
            bare_batch_rate = throughput(f"{bare_url}/insert-many", batch_bodies(), {}, BATCH_SIZE)
            url = f"{activities.url}/activities/batch"
            batches.append((bare_batch_rate, throughput(url, batch_bodies(), headers, BATCH_SIZE)))
            print(
                f"round {number}: bare {bare_rate:.0f}/s, single {single_rate:.0f}/s "
                f"({single_rate / bare_rate:.2f}x); bare batch insert {bare_batch_rate:.0f} "
                f"items/s, batch {batches[-1][1]:.0f} items/s"
            )
    bare_rate, single_rate = sorted(singles, key=lambda pair: pair[1] / pair[0])[ROUNDS // 2]
    print(f"bare Flask+SQLite insert:  {bare_rate:8.0f} items/s  (the median round)")
    print(
        f"activity create (single):  {single_rate:8.0f} items/s  "
        f"ratio {single_rate / bare_rate:.2f}x (target 0.6x)"
    )
    bare_batch_rate, batch_rate = sorted(batches, key=lambda pair: pair[1])[ROUNDS // 2]
    print(f"bare batch insert of {BATCH_SIZE}: {bare_batch_rate:8.0f} items/s  (the median round)")
    print(
        f"activity batch of {BATCH_SIZE}:    {batch_rate:8.0f} items/s  (target 5,000)  "
        f"ratio {batch_rate / bare_batch_rate:.2f}x"
    )


BENCHMARKS = {
    "activities": activities_benchmark,
    "gateway": gateway.run,
    "reads": reads.run,
    "freshness": freshness.run,
    "rebuild": rebuild.run,
    "app": app_load.run,
    "dashboard": dashboard_load.run,
    "market_day": market_day.run,
}
BY_NAME_ONLY = {"instructions": instructions.run}  # minutes under valgrind

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
