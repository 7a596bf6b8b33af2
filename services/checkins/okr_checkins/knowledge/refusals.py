"""Refusals resting on goal knowledge stand only once that knowledge is known to be current (the
rule: `okr_shared.freshness.Refusals`). A handler using `confirms_refusals` keeps its
`GoalKnowledge` as `goals`."""

from __future__ import annotations

from okr_shared.freshness import Refusals

REFUSALS = Refusals(learned="goal changes", knowledge="goals")
refuse = REFUSALS.refuse
confirms_refusals = REFUSALS.confirms
