"""The short version of `make faults`, on a private cluster under load: the check-in service and
PostgreSQL killed with SIGKILL and restarted, the Kafka broker paused with SIGSTOP for 15 s;
nothing acknowledged is lost, nothing applied twice, every read model converges (tests/faults).
Each of the three once found a defect: retries without idempotency, 500s on dead pooled
connections, a consumer group left without a topic's partitions."""

from __future__ import annotations

from tests.faults.load import Rates
from tests.faults.run import run
from tests.faults.scenarios import Timing, smoke_faults


def test_kills_under_load_lose_nothing_and_double_nothing(tmp_path):
    report = run("smoke", smoke_faults(), Rates(), Timing(warm=3, after=8), results=tmp_path)

    assert [s["fault"] for s in report["scenarios"]] == [f.name for f in smoke_faults()]
    for s in report["scenarios"]:
        assert s["failures"] == {}, (s["fault"], s["examples"])
        assert s["findings"]["acknowledged"] > 100
        assert s["never_answered"] == 0
        assert s["recovery"]["first_write_s"] is not None
        assert s["recovery"]["quiesce_s"] is not None
    killed = report["scenarios"][0]
    assert killed["failed_first"] > 0, "the killed check-in service failed no request"
    assert killed["retried"].get("check_in", 0) > 0
    assert (tmp_path / "smoke.md").exists()
