"""Provisioning as jobs: the platform's Kafka topics and each service's PostgreSQL tables, made
by `python -m okr_shared.provision` with privileged credentials, and checked by the services at
start with `OKR_PROVISIONING=external` (see README.md beside this file)."""

from okr_shared.provision.catalogue import TABLES, all_topics, service_topics
from okr_shared.provision.startup import NotProvisioned, require_provisioned

__all__ = ["TABLES", "NotProvisioned", "all_topics", "require_provisioned", "service_topics"]
