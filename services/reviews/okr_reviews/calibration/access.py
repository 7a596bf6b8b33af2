"""Who may calibrate the reviews of an org unit and its sub-units (`okr_reviews.reviews.scope`
over the service's knowledge):

- Open a session, adjust scores in it and close it: admins of the tenant, and people with the
  `leader` role who speak for a position and whose own unit is the session's unit or a unit
  above it (the `manager` role grants nothing of its own, as everywhere: `okr_shared.access`).
- See the unit's distribution and its sessions: the same people, and auditors (read only).
- Everyone else: a session is not found (404); opening a session for, or reading the
  distribution of, a known unit is forbidden (403).
- The distribution and the objectives listed are those of the subtree the caller may read
  (`access_facts.may_read`): all of them for admins and auditors.
"""

from __future__ import annotations

from okr_reviews.reviews.scope import leads
from okr_shared.access import AUDITOR, LEADER
from okr_shared.access_facts import Lookup
from okr_shared.event_meta import Caller

CALIBRATORS = frozenset({LEADER})


def may_calibrate(lookup: Lookup, caller: Caller, org_unit_id: str) -> bool:
    """Whether the caller may open, adjust in and close a session for the unit."""
    return leads(lookup, caller, org_unit_id, CALIBRATORS)


def may_see(lookup: Lookup, caller: Caller, org_unit_id: str) -> bool:
    """Whether the caller may see the unit's distribution and sessions."""
    return AUDITOR in caller.roles or may_calibrate(lookup, caller, org_unit_id)
