"""Builders of check-in and reminder events and their metadata, as the check-in read models
receive them."""

from datetime import UTC, datetime

NOW = datetime(2026, 1, 9, 12, 0, 0, 654321, tzinfo=UTC)


WEEK1 = {"period_start": "2026-01-05T00:00:00+00:00", "period_end": "2026-01-12T00:00:00+00:00"}


WEEK2 = {"period_start": "2026-01-12T00:00:00+00:00", "period_end": "2026-01-19T00:00:00+00:00"}


def meta(version, tenant="acme", time=NOW):
    return {
        "tenant_id": tenant,
        "actor_id": "ana",
        "version": version,
        "event_id": f"e{version}",
        "time": time,
    }


def recorded(
    check_in_id="c1", value=45.0, effective_at="2026-01-08T10:00:00+00:00", confidence=7, **fields
):
    return {
        "check_in_id": check_in_id,
        "objective_id": "o1",
        "key_result_id": "k1",
        "value": value,
        "confidence": confidence,
        "confidence_band": "on_track" if confidence >= 7 else "at_risk",
        "note": {"progress": "p", "plans": "", "problems": ""},
        "blockers": [],
        "effective_at": effective_at,
        "source": "manual",
        "source_key": None,
        **fields,
    }


def corrected(check_in_id, corrects, **fields):
    return recorded(check_in_id, corrects_check_in_id=corrects, reason="typo", **fields)


def reminder(period=WEEK1, owner_id="ana"):
    return {
        "key_result_id": "k1",
        "objective_id": "o1",
        "owner_id": owner_id,
        "cadence": "weekly",
        **period,
    }
