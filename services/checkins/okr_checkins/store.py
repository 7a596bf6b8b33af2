"""The event store of the check-in service: the eventsourcing Application every feature loads its
aggregates from and saves them to. Every pending event is checked against its published contract
before it is stored (`okr_shared.service_store`)."""

from __future__ import annotations

from okr_checkins import stored_topics  # noqa: F401 (old topics of stored events)
from okr_checkins.cadences.domain import ReminderLedger
from okr_checkins.check_ins.domain import KeyResultLog
from okr_checkins.contracts import published_form
from okr_checkins.conversations.domain import Conversation
from okr_checkins.feedback.domain import FeedbackThread
from okr_shared.contracts import default_registry
from okr_shared.service_store import TenantStore


class CheckinsStore(TenantStore):
    """Check-in logs, cadences, reminder ledgers, conversations and feedback threads."""

    name = "checkins"
    contract_mapping = staticmethod(published_form(default_registry()))
    snapshotting_intervals = {
        KeyResultLog: 100,
        ReminderLedger: 100,
        Conversation: 100,
        FeedbackThread: 100,
    }
