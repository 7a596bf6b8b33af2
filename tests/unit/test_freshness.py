"""Refusals resting on learned knowledge stand only once it is known to be current; the Kafka
adapter compares every consumed topic's end offsets with what was applied."""

from dataclasses import dataclass, field

import pytest

from okr_shared.consumer import AppliedPositions
from okr_shared.errors import NotFound, NotKnownYet
from okr_shared.freshness import AlwaysCurrent, KafkaKnowledgeFreshness, Refusals

REFUSALS = Refusals(learned="widget changes", knowledge="known")


@dataclass
class Fresh:
    current: bool
    asked: int = 0

    def is_current(self) -> bool:
        self.asked += 1
        return self.current


@dataclass
class Known:
    freshness: Fresh
    exists: list[bool] = field(default_factory=list)


class Handler:
    def __init__(self, freshness: Fresh, answers: list[bool]) -> None:
        self.known = Known(freshness, answers)

    @REFUSALS.confirms
    def read(self) -> str:
        if not self.known.exists.pop(0):
            REFUSALS.refuse(NotFound("widget", "w1"))
        return "w1"


def test_a_refusal_while_the_knowledge_may_be_behind_is_not_known_yet():
    handler = Handler(Fresh(current=False), [False])
    with pytest.raises(NotKnownYet, match="latest widget changes"):
        handler.read()


def test_a_refusal_stands_when_a_fresh_read_once_current_refuses_too():
    freshness = Fresh(current=True)
    with pytest.raises(NotFound):
        Handler(freshness, [False, False]).read()
    assert freshness.asked == 1


def test_a_refusal_the_fresh_read_no_longer_makes_is_lifted():
    assert Handler(Fresh(current=True), [False, True]).read() == "w1"


def test_an_answer_that_refuses_nothing_does_not_ask_for_freshness():
    freshness = Fresh(current=False)
    assert Handler(freshness, [True]).read() == "w1"
    assert freshness.asked == 0


def test_without_consuming_the_knowledge_is_current():
    adapter = KafkaKnowledgeFreshness({}, ["a", "b"], "group", AppliedPositions())
    assert adapter.is_current()
    assert AlwaysCurrent().is_current()


def test_behind_is_any_partition_of_any_topic_ending_beyond_what_was_applied():
    positions = AppliedPositions()
    adapter = KafkaKnowledgeFreshness({}, ["a", "b"], "group", positions)
    adapter._ends = {("a", 0): 3, ("b", 0): 2}
    adapter._committed = {("b", 0): 2}
    assert adapter._behind()
    positions.advance("a", 0, 2)
    assert not adapter._behind()
