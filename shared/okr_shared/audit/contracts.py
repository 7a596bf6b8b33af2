"""The published form of a checkpoint: `AuditCheckpointSigned` on `okr.audit.v1`."""

from __future__ import annotations

import uuid
from datetime import datetime

from okr_shared.audit.chain import Checkpoint
from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts import ContractRegistry

CONTEXT = "audit"
NAME = "AuditCheckpointSigned"
_ID_NAMESPACE = uuid.UUID("5a0c9e27-3b1d-4f68-9e2a-7c4d1b8f0e63")


def checkpoint_event(checkpoint: Checkpoint, registry: ContractRegistry) -> CloudEvent:
    """The CloudEvent of a checkpoint, validated; subject `<service>:<tenant>`, sequence its
    position (checkpoints of one subject only move forward)."""
    data = checkpoint.as_dict()
    version = registry.latest_version(CONTEXT, NAME)
    registry.validate(CONTEXT, NAME, version, data)
    subject = f"{checkpoint.service}:{checkpoint.tenant_id}"
    event_id = str(uuid.uuid5(_ID_NAMESPACE, f"{subject}:{checkpoint.position}"))
    actor = f"{checkpoint.service}-audit-chainer"
    return CloudEvent(
        id=event_id,
        source=f"/okr/{checkpoint.service}",
        type=f"okr.{CONTEXT}.{NAME}",
        subject=subject,
        time=datetime.fromisoformat(checkpoint.signed_at.replace("Z", "+00:00")),
        dataschema=schema_urn(CONTEXT, NAME, version),
        data=data,
        tenantid=checkpoint.tenant_id,
        actorid=actor,
        correlationid=event_id,
        causationid=event_id,
        sequence=checkpoint.position,
    )
