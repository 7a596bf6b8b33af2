"""The tamper-evident history of a write service: its events chained per tenant in the order of
the notification log, signed checkpoints, online verification of the store, and the offline
bundle (`ALGORITHM.md` says the format and the verification exactly).

- `canonical`: the canonical event line of a stored event (the published CloudEvent, structured).
- `chain`: the chain hash and the checkpoint's signed message.
- `signing`: the Ed25519 signing key from settings, key ids, signature checks.
- `ledger`: the chain, checkpoints and auditor read log in the service's own database.
- `lines`: the canonical lines of a store's notification log.
- `chainer`: follows the log under a leader lock, records the chain, signs and publishes.
- `online`: verifies a store for a tenant against the recorded chain and checkpoints.
- `bundle`: writes and verifies bundles; `export`: builds one from the services.
- `service`, `router`, `schemas`: the `/v1/audit/*` routes every write service serves.
"""
