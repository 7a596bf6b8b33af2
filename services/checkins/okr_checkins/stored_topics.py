"""The topics stored events and snapshots carry from before the feature packages, mapped to the
classes that now read them.

eventsourcing stores each event's and aggregate's topic (`module:QualName`); these classes
lived in `okr_checkins.domain.*` until the service was laid out in feature packages. Loaded by
`okr_checkins.store`, so every application of the service reads what was stored under the old
names. Never remove an entry while such data may exist.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from okr_checkins.cadences.domain import Cadence, ReminderLedger
from okr_checkins.check_ins.domain import KeyResultLog
from okr_checkins.conversations.domain import Conversation
from okr_checkins.feedback.domain import FeedbackThread

MOVED: dict[str, type[Aggregate]] = {
    "okr_checkins.domain.key_result_log:KeyResultLog": KeyResultLog,
    "okr_checkins.domain.cadence:Cadence": Cadence,
    "okr_checkins.domain.cadence:ReminderLedger": ReminderLedger,
    "okr_checkins.domain.conversations:Conversation": Conversation,
    "okr_checkins.domain.conversations:FeedbackThread": FeedbackThread,
}
EVENTS: dict[type[Aggregate], tuple[str, ...]] = {
    KeyResultLog: ("Opened", "Recorded", "Corrected"),
    Cadence: ("Set", "Changed"),
    ReminderLedger: ("Opened", "DueSent", "OverdueSent"),
    Conversation: ("Started", "MessagePosted"),
    FeedbackThread: ("Opened", "Given"),
}


def old_topics() -> dict[str, type]:
    """Every old topic of an aggregate or event class, with the class it names now."""
    topics: dict[str, type] = {}
    for old, aggregate in MOVED.items():
        topics[old] = aggregate
        for name in EVENTS[aggregate]:
            topics[f"{old}.{name}"] = getattr(aggregate, name)
    return topics


for _topic, _cls in old_topics().items():
    register_topic(_topic, _cls)
