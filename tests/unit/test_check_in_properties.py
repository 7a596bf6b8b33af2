"""Properties of the bitemporal rule for which check-in stands, over logs of any shape.

A log is what a key result's check-in log holds: check-ins and corrections in the order they
were recorded, each effective at or before the moment it was recorded (back-dating allowed),
times written with any UTC offset.
"""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from okr_checkins.check_ins.domain import known, value_at, within
from okr_shared.check_ins import live, timeline

PROPERTY = settings(max_examples=150, deadline=None)
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _iso(moment: datetime, offset_minutes: int) -> str:
    return moment.astimezone(timezone(timedelta(minutes=offset_minutes))).isoformat()


offsets = st.sampled_from([0, 60, -300, 330, 840, -720])


@st.composite
def logs(draw, max_size=10):
    """Check-ins in recording order; a correction names an earlier entry and, unless back-dated
    on its own, keeps the effective time of what it corrects."""
    log, recorded, effective = [], BASE, []
    for n in range(draw(st.integers(0, max_size))):
        recorded += timedelta(seconds=draw(st.integers(1, 10_000)))
        corrects = draw(st.none() | st.integers(0, n - 1)) if n else None
        if corrects is not None and draw(st.booleans()):
            at = effective[corrects]
        else:
            at = recorded - timedelta(seconds=draw(st.integers(0, 50_000)))
        effective.append(at)
        log.append(
            {
                "check_in_id": f"c{n}",
                "value": float(n),
                "sequence": n + 1,
                "corrects": None if corrects is None else f"c{corrects}",
                "effective_at": _iso(at, draw(offsets)),
                "recorded_at": _iso(recorded, draw(offsets)),
            }
        )
    return log


moments = st.integers(-60_000, 120_000).map(lambda s: BASE + timedelta(seconds=s))
maybe_moment = st.none() | moments


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _id(check_in):
    return None if check_in is None else check_in["check_in_id"]


@PROPERTY
@given(logs(), maybe_moment, st.data())
def test_a_corrected_check_in_never_stands_once_its_correction_is_known(log, effective_at, data):
    corrections = [c for c in log if c["corrects"]]
    if not corrections:
        return
    correction = data.draw(st.sampled_from(corrections))
    later = _t(correction["recorded_at"]) + timedelta(seconds=data.draw(st.integers(0, 100_000)))
    standing = value_at(log, effective_at, later)
    assert _id(standing) != correction["corrects"]
    assert correction["corrects"] not in {c["check_in_id"] for c in timeline(known(log, later))}


@PROPERTY
@given(logs())
def test_a_correction_at_the_same_effective_time_takes_the_place_of_what_it_corrects(log):
    by_id = {c["check_in_id"]: c for c in log}
    for correction in (c for c in log if c["corrects"]):
        target = by_id[correction["corrects"]]
        if _t(correction["effective_at"]) != _t(target["effective_at"]):
            continue
        at, recorded = _t(target["effective_at"]), _t(correction["recorded_at"])
        if _id(value_at(log, at, recorded - timedelta(seconds=0.5))) == target["check_in_id"]:
            assert _id(value_at(log, at, recorded)) == correction["check_in_id"]


@PROPERTY
@given(logs(), st.lists(logs(max_size=4), max_size=1), moments, maybe_moment)
def test_what_was_known_at_a_time_is_not_changed_by_anything_recorded_later(
    log, more, known_at, effective_at
):
    before = value_at(log, effective_at, known_at)
    later = [
        dict(
            c,
            check_in_id=f"late-{c['check_in_id']}",
            sequence=100 + c["sequence"],
            corrects=(f"late-{c['corrects']}" if c["corrects"] else None),
            recorded_at=_iso(known_at + timedelta(seconds=1 + n), 0),
        )
        for n, c in enumerate(more[0] if more else [])
    ]
    rewrites = [
        {
            "check_in_id": f"fix-{c['check_in_id']}",
            "value": -1.0,
            "sequence": 200 + n,
            "corrects": c["check_in_id"],
            "effective_at": c["effective_at"],
            "recorded_at": _iso(known_at + timedelta(seconds=1 + n), 0),
        }
        for n, c in enumerate(log)
    ]
    assert _id(value_at(log + later + rewrites, effective_at, known_at)) == _id(before)


@PROPERTY
@given(logs(), maybe_moment, maybe_moment, st.randoms(use_true_random=False))
def test_the_order_check_ins_arrive_in_does_not_matter(log, effective_at, known_at, rnd):
    shuffled = rnd.sample(log, len(log))
    expected = _id(value_at(log, effective_at, known_at))
    assert _id(value_at(shuffled, effective_at, known_at)) == expected


@PROPERTY
@given(logs(), maybe_moment, maybe_moment)
def test_the_standing_check_in_is_the_latest_effective_of_the_known_live_ones(
    log, effective_at, known_at
):
    candidates = [
        c
        for c in live(known(log, known_at))
        if effective_at is None or _t(c["effective_at"]) <= effective_at
    ]
    standing = value_at(log, effective_at, known_at)
    if not candidates:
        assert standing is None
        return
    latest = max(_t(c["effective_at"]) for c in candidates)
    assert standing in candidates and _t(standing["effective_at"]) == latest
    assert all(
        _t(c["recorded_at"]) <= _t(standing["recorded_at"])
        for c in candidates
        if _t(c["effective_at"]) == latest
    )


@PROPERTY
@given(logs(), moments, st.integers(1, 100_000))
def test_a_period_has_a_check_in_exactly_when_a_live_one_is_effective_in_it(log, start, seconds):
    end = start + timedelta(seconds=seconds)
    expected = any(start <= _t(c["effective_at"]) < end for c in live(log))
    assert within(log, start, end) is expected
