"""Hypothesis strategies for directory import files: valid org-unit trees and people in them."""

from __future__ import annotations

from hypothesis import strategies as st

NAME_CHARS = st.characters(categories=("L", "N", "Zs", "Pd", "Po"), exclude_characters="\x85\xa0")
names = st.text(NAME_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip())
padded = st.tuples(st.sampled_from(["", " ", "\t"]), names, st.sampled_from(["", " "])).map("".join)
emails = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,15}@[a-z0-9-]{1,10}\.test", fullmatch=True)


@st.composite
def valid_directories(draw, max_units: int = 5, max_people: int = 6):
    """(org_units, people) rows that pass validation: a company, units below it, people in them."""
    units = [{"org_unit_id": "acme", "name": draw(padded), "kind": "company"}]
    for n in range(1, draw(st.integers(1, max_units))):
        parent = draw(st.sampled_from(units))["org_unit_id"]
        units.append(
            {
                "org_unit_id": f"unit-{n}",
                "name": draw(padded),
                "kind": draw(st.sampled_from(["department", "team"])),
                "parent_id": parent,
            }
        )
    people = []
    for n in range(draw(st.integers(0, max_people))):
        person = {"person_id": f"p{n}", "name": draw(padded), "email": draw(emails)}
        managers = [p["person_id"] for p in people if p.get("status") != "left"]
        optional = {
            "manager_id": st.sampled_from(managers) if managers else st.none(),
            "org_unit_id": st.sampled_from([u["org_unit_id"] for u in units]),
            "locale": st.sampled_from(["en", "de-CH", "fr", "pt-BR", ""]),
            "status": st.sampled_from(["active", "left", ""]),
        }
        for field, values in optional.items():
            if draw(st.booleans()):
                person[field] = draw(values)
        people.append(person)
    return units, people
