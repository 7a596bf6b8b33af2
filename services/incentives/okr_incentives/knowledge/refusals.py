"""Refusals resting on learned knowledge stand only once that knowledge is known to be current
(the rule: `okr_shared.freshness.Refusals`). A handler using `confirms_refusals` keeps its
`Knowledge` as `knowledge`."""

from __future__ import annotations

from okr_shared.freshness import Refusals

REFUSALS = Refusals(learned="directory, goal and review changes", knowledge="knowledge")
refuse = REFUSALS.refuse
confirms_refusals = REFUSALS.confirms
