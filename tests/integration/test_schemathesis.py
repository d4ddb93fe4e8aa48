"""Generated requests over the merged OpenAPI document, as an admin and as township
staff, through the real gateway and services: no answer is a 5xx, and every error is in
the documented shape. Bounded: a few examples of each operation, derandomised.

(Each operation's strategy is run with hypothesis directly: schemathesis's own pytest
loader for a fixture's schema does not run under this pytest.)"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

EXAMPLES = 3
# What would end the logins this run uses (it would not fail, only test less after it).
SPARED = re.compile(r"/api/v1/(accounts/\{account_id\}/(disable|password)|auth/(password|logout))$")
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def operations(system):
    """Every operation of the gateway's merged OpenAPI document (but the SPARED ones)."""
    schema = schemathesis.openapi.from_url(f"{system['gateway'].url}/api/v1/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in found if not SPARED.search(operation.path)]


def _failures(operation, mode, role, system, logins):
    """What generated requests of one operation got a 5xx or an error not in the shape."""
    failures = []

    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case):
        answer = case.call(base_url=system["gateway"].url, headers=logins.header(role), timeout=30)
        where = f"{case.method} {case.formatted_path} ({mode}) as {role}"
        if answer.status_code >= 500:
            failures.append(f"{where}: {answer.status_code} {answer.text[:200]}")
        elif (
            answer.status_code >= 400
            and "json" in answer.headers.get("Content-Type", "")
            and not {"status", "code", "message"} <= set(answer.json().get("error", {}))
        ):
            failures.append(f"{where}: {answer.status_code} not in the shape")

    send()
    return failures


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_no_generated_request_gets_a_5xx(operations, role, system, logins):
    assert len(operations) > 40
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += _failures(operation, mode, role, system, logins)
    assert failures == []
