"""A write service's audit parts, built alike by the four services: the lines of its store, its
ledger, its signing key (refused outside development when unsafe), the HTTP reads, the chainer
and the Kafka publisher of its checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from okr_shared.audit.chain import Checkpoint
from okr_shared.audit.chainer import Chainer
from okr_shared.audit.contracts import checkpoint_event
from okr_shared.audit.ledger import AuditLedger, open_ledger
from okr_shared.audit.lines import StoreLines
from okr_shared.audit.service import AuditService
from okr_shared.audit.settings import AuditSettings
from okr_shared.audit.signing import Signer, public_entry, unb64
from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.contracts.guard import PublishedForm
from okr_shared.messaging import AUDIT_TOPIC, CloudEventPublisher, ensure_topics
from okr_shared.outbox import leader_lock
from okr_shared.settings import KafkaSettings


class AuditedSettings(Protocol):
    """What a write service's settings say about its store, Kafka and audit trail."""

    kafka: KafkaSettings
    event_store: dict[str, str]
    audit: AuditSettings


class KafkaCheckpoints:
    """Publishes checkpoints as `AuditCheckpointSigned` on `okr.audit.v1` (namespaced)."""

    def __init__(self, kafka: KafkaSettings, service: str, registry: ContractRegistry) -> None:
        self.kafka = kafka
        self.topic = kafka.topic(AUDIT_TOPIC)
        self.registry = registry
        self._publisher = CloudEventPublisher(kafka, client_id=f"{service}-audit-chainer")

    async def start(self) -> None:
        await ensure_topics(self.kafka, [self.topic])
        await self._publisher.start()

    async def stop(self) -> None:
        await self._publisher.stop()

    async def publish(self, checkpoints: list[Checkpoint]) -> None:
        events = [checkpoint_event(c, self.registry) for c in checkpoints]
        await self._publisher.publish(self.topic, events)


@dataclass
class ServiceAudit:
    """The audit trail of one service: `context` prefixes its store settings ("GOALS")."""

    settings: AuditedSettings
    context: str
    lines: StoreLines
    ledger: AuditLedger
    signer: Signer
    registry: ContractRegistry

    @property
    def service(self) -> str:
        return self.lines.service

    def public_keys(self) -> list[dict[str, str]]:
        """The current public key, then the earlier ones still trusted."""
        current = self.signer.public_entry()
        earlier = [public_entry(unb64(k)) for k in self.settings.audit.trusted_keys]
        return [current, *(k for k in earlier if k["key_id"] != current["key_id"])]

    def reads(self) -> AuditService:
        """What the audit routes use."""
        return AuditService(self.lines, self.ledger, self.public_keys(), signer=self.signer)

    def new_chainer(self, publish: bool = True) -> Chainer:
        """The chainer over the store, under the leader lock `<service>-audit-chainer`."""
        audit = self.settings.audit
        name = f"{self.service}-audit-chainer"
        return Chainer(
            self.lines.fresh(),
            self.ledger,
            self.signer,
            leader_lock(self.settings.event_store, self.context, name),
            publisher=(
                KafkaCheckpoints(self.settings.kafka, self.service, self.registry)
                if publish
                else None
            ),
            every_events=audit.checkpoint_events,
            every_seconds=audit.checkpoint_seconds,
            poll_interval=audit.poll_seconds,
        )

    def close(self) -> None:
        self.ledger.close()


def service_audit(
    store: Any,
    settings: AuditedSettings,
    context: str,
    service: str,
    published_form: PublishedForm,
    registry: ContractRegistry | None = None,
) -> ServiceAudit:
    """The audit parts of a service over its eventsourcing application `store`; raises
    UnsafeConfiguration outside development with the development or no signing key."""
    settings.audit.refuse_unsafe()
    return ServiceAudit(
        settings,
        context,
        StoreLines(store, published_form, service),
        open_ledger(settings.event_store, context),
        Signer.from_text(settings.audit.key_text()),
        registry or default_registry(),
    )
