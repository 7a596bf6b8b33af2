"""The transactional outbox: an event store's notification log relayed to Kafka by one leader."""

from okr_shared.outbox.leader_lock import (
    FileLock,
    LeaderLock,
    PostgresAdvisoryLock,
    leader_lock,
    wait_holding,
)
from okr_shared.outbox.relay import OutboxRelay, PublishedForm

__all__ = [
    "FileLock",
    "LeaderLock",
    "OutboxRelay",
    "PostgresAdvisoryLock",
    "PublishedForm",
    "leader_lock",
    "wait_holding",
]
