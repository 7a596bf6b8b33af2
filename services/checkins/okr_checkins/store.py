"""The event store of the check-in service: the eventsourcing Application every feature loads its
aggregates from and saves them to. Every pending event is checked against its published contract
before it is stored (`okr_shared.service_store`); `commit` checks it in the caller's thread and
saves it with the commands that arrive together, in one transaction (`okr_shared.group_commit`)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from okr_checkins import stored_topics  # noqa: F401 (old topics of stored events)
from okr_checkins.cadences.domain import ReminderLedger
from okr_checkins.check_ins.domain import KeyResultLog
from okr_checkins.contracts import published_form
from okr_checkins.conversations.domain import Conversation
from okr_checkins.feedback.domain import FeedbackThread
from okr_shared.contracts import default_registry
from okr_shared.contracts.guard import check_published_forms
from okr_shared.errors import VersionConflict
from okr_shared.group_commit import GroupCommitter
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

    @cached_property
    def committer(self) -> GroupCommitter:
        """Saves checked aggregates of concurrent commands together."""
        return GroupCommitter(self.save_checked)

    def check(self, *aggregates: Aggregate) -> None:
        """Raises InvalidField when a pending event breaks its contract (what `save` refuses)."""
        check_published_forms(
            aggregates, self.published_form, self._stored_first, self._check_opened
        )

    def save_checked(self, *aggregates: Aggregate) -> Any:
        """Saves aggregates whose pending events `check` accepted, without checking them again."""
        return Application.save(self, *aggregates)

    def commit(self, *aggregates: Aggregate) -> None:
        """Checks the aggregates' pending events, then saves them in a transaction shared with the
        commands that arrive meanwhile; returns once it committed. A concurrent change of one of
        the aggregates is a version conflict (409)."""
        self.check(*aggregates)
        try:
            self.committer.save(*aggregates)
        except IntegrityError as exc:
            raise VersionConflict(0, None) from exc
