"""The alignment tree of a cycle, built from objective documents."""

from okr_projections.cycles.tree import alignment_tree


def doc(oid, *links, level="team"):
    return {
        "objective_id": oid,
        "title": oid.upper(),
        "level": level,
        "owner_type": "person",
        "owner_id": f"{oid}-owner",
        "progress": 0.5,
        "rollup_progress": 0.25,
        "alignments": [{"parent_objective_id": p, "weight": w} for p, w in links],
    }


def shape(nodes):
    return [(n["objective_id"], n["weight"], shape(n["children"])) for n in nodes]


def test_a_child_with_two_parents_appears_under_each():
    docs = [doc("a"), doc("b", ("a", 1.0)), doc("c", ("a", 0.5)), doc("d", ("b", 0.2), ("c", 0.3))]
    assert shape(alignment_tree(docs)) == [
        ("a", None, [("b", 1.0, [("d", 0.2, [])]), ("c", 0.5, [("d", 0.3, [])])]),
    ]


def test_an_objective_whose_parent_is_outside_the_set_is_a_root():
    assert shape(alignment_tree([doc("b", ("hidden", 1.0)), doc("c", ("b", 1.0))])) == [
        ("b", None, [("c", 1.0, [])])
    ]


def test_a_node_carries_what_a_tree_view_shows():
    (node,) = alignment_tree([doc("a", level="company")])
    assert node == {
        "objective_id": "a",
        "title": "A",
        "level": "company",
        "owner": {"type": "person", "id": "a-owner"},
        "progress": 0.5,
        "rollup_progress": 0.25,
        "weight": None,
        "children": [],
    }


def test_a_cycle_in_bad_data_does_not_recurse_forever():
    docs = [doc("r"), doc("a", ("r", 1.0), ("b", 1.0)), doc("b", ("a", 1.0))]
    assert shape(alignment_tree(docs)) == [("r", None, [("a", 1.0, [("b", 1.0, [])])])]
