"""`python -m tests.bench gateway`: activity writes as users send them, through the
gateway, against a bare two-hop pair (tests/bench/bare_proxy.py forwarding to
tests/bench/bare_app.py), all under the project's gunicorn settings (gthread, 2 workers of
8 threads). A round's single creates, then its 500-item batches, are sent in slices that
alternate the two. The median of ROUNDS rounds is printed, as
ratios with their targets beside them.

Beside the batch, the bare pair once more with each item loaded by the activities
service's marshmallow schema before the insert: what validating alone leaves of the bare
rate, the most any write path that validates every item so can reach."""

import time

import requests

from shared.config import REPO_ROOT
from tests.bench import moyu_registry
from tests.bench.bodies import BATCH_SIZE, activity, batch
from tests.bench.timing import alternating_rates, sending_time
from tests.support.accounts import create_admin_by_cli, log_in
from tests.support.processes import BIN_DIR, ManagedProcess, ServiceProcess, free_port, wait_for

ROUNDS = 5
SINGLES = 400  # a round's single creates, in SLICES slices alternating bare and ours
SLICES = 4
BATCHES = 8  # a round's batches, to each side
SINGLE_TARGET, BATCH_TARGET = 0.4, 0.5
UNLIMITED = {
    "RATE_LIMIT_PER_CALLER": "1000000 per minute",
    "RATE_LIMIT_PER_ADDRESS": "1000000 per minute",
}


def _bare(var_dir, env, name, target, extra):
    port = free_port()
    command = [
        str(BIN_DIR / "gunicorn"), "-c", str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--control-socket", str(var_dir / f"{name}.ctl"), target,
    ]  # fmt: skip
    process = ManagedProcess(command, env=env | extra, log_path=var_dir / f"{name}.log")
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.post(f"{url}/insert", json={"id": f"warm-{name}"}, timeout=1).ok
        except requests.RequestException:
            return False

    wait_for(answers, 30, f"the {name}")
    return process, url


def _median(pairs):
    return sorted(pairs, key=lambda pair: pair[1] / pair[0])[len(pairs) // 2]


def run():
    """Start everything, measure ROUNDS rounds, print the median ratios."""
    with moyu_registry("pufa-bench-gateway-") as (var_dir, env, processes):
        env = env | UNLIMITED
        activities = ServiceProcess("activities", env=env, var_dir=var_dir).wait_ready()
        processes.append(activities)
        gateway_env = env | {"ACTIVITIES_URL": activities.url}
        gateway = ServiceProcess("gateway", env=gateway_env, var_dir=var_dir).wait_ready()
        processes.append(gateway)
        bare_db = {"BARE_DB": str(var_dir / "bare.db")}
        app, app_url = _bare(var_dir, env, "bare-app", "tests.bench.bare_app:create_app()", bare_db)
        processes.append(app)
        upstream = {"BARE_UPSTREAM": app_url}
        proxy, proxy_url = _bare(
            var_dir, env, "bare-proxy", "tests.bench.bare_proxy:create_app()", upstream
        )
        processes.append(proxy)
        create_admin_by_cli(gateway_env, "bench-admin")
        token = log_in(gateway.url, "bench-admin").json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        ours = f"{gateway.url}/api/v1/activities/activities"
        sending_time(ours, [activity(n) for n in range(50)], headers)  # warm up
        singles, batches, validated = [], [], []
        for number in range(1, ROUNDS + 1):
            started = time.monotonic()
            bodies = [activity(n) for n in range(SINGLES)]
            singles.append(alternating_rates(f"{proxy_url}/insert", ours, bodies, headers, SLICES))
            bodies = [batch() for _ in range(BATCHES)]
            bare_many = f"{proxy_url}/insert-many"
            batches.append(
                alternating_rates(bare_many, f"{ours}/batch", bodies, headers, SLICES, BATCH_SIZE)
            )
            bodies = [batch() for _ in range(BATCHES)]
            checked = f"{proxy_url}/insert-many-validated"
            validated.append(alternating_rates(bare_many, checked, bodies, {}, SLICES, BATCH_SIZE))
            print(
                f"round {number} ({time.monotonic() - started:.0f} s): single "
                f"{singles[-1][1]:.0f}/s vs bare two-hop {singles[-1][0]:.0f}/s; batch "
                f"{batches[-1][1]:.0f} items/s vs bare two-hop {batches[-1][0]:.0f} items/s "
                f"(bare with marshmallow's checks {validated[-1][1]:.0f} items/s "
                f"vs {validated[-1][0]:.0f})",
                flush=True,
            )
    bare, single = _median(singles)
    print(
        f"single create via gateway: {single:7.0f}/s  bare two-hop {bare:7.0f}/s  "
        f"ratio {single / bare:.2f}x (target >= {SINGLE_TARGET}x)"
    )
    bare, batched = _median(batches)
    print(
        f"{BATCH_SIZE}-item batch via gateway: {batched:7.0f} items/s  bare two-hop "
        f"{bare:7.0f} items/s  ratio {batched / bare:.2f}x (target >= {BATCH_TARGET}x)"
    )
    bare, checked = _median(validated)
    print(
        f"bare two-hop batch, each item loaded by ActivityCreate: {checked:7.0f} items/s  "
        f"against {bare:7.0f}, ratio {checked / bare:.2f}x (the most a write path validating "
        "each item can reach)"
    )


if __name__ == "__main__":
    run()
