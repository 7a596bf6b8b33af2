"""The published contract of the erasure event (on the person's stream)."""

from __future__ import annotations

from okr_goals.directory.domain import Person
from okr_goals.mapping import Mapper, pick

MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    Person.PersonalDataErased: ("PersonalDataErased", "person", pick("reason")),
}
