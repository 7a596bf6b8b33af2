"""The chain hash, the checkpoint signature and the canonical event line (ALGORITHM.md)."""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from okr_goals.contracts import published_form
from okr_shared.audit.canonical import canonical_json, structured
from okr_shared.audit.chain import GENESIS, Checkpoint, checkpoint_message, next_hash
from okr_shared.audit.settings import DEV_AUDIT_SIGNING_KEY, AuditSettings
from okr_shared.audit.signing import Signer, b64, key_id, public_entry, signature_fault, unb64
from okr_shared.contracts import default_registry
from okr_shared.settings import UnsafeConfiguration
from tests.support.audit import audit_world

RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_EMPTY_SIGNATURE = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
    "b46bd25bf5f0595bbe24655141438e7a100b"
)


def test_the_chain_hash_follows_known_vectors() -> None:
    h1 = next_hash(GENESIS, b'{"a":1}')
    assert h1 == "f21735afd2cd6af4fc5804b0045cebfd545aef8396d29d030c39cb8880b45b7f"
    h2 = next_hash(h1, '{"b":"é"}'.encode())
    assert h2 == "6a896a4443302c15ea69e4a511dbf141095e8f10d06d908f1237fec4509a56a6"
    assert GENESIS == "0" * 64


def test_the_checkpoint_message_is_lf_separated_without_a_trailing_lf() -> None:
    message = checkpoint_message("acme", "goals", 42, "ab" * 32, "2026-01-01T00:00:00Z")
    assert message == (
        b"okr-audit-checkpoint/1\nacme\ngoals\n42\n" + b"ab" * 32 + b"\n2026-01-01T00:00:00Z"
    )


def test_signing_follows_rfc_8032_and_names_the_key_by_its_digest() -> None:
    signer = Signer.from_text(b64(bytes.fromhex(RFC8032_SECRET)))
    assert signer.public_raw.hex() == RFC8032_PUBLIC
    assert unb64(signer.sign(b"")).hex() == RFC8032_EMPTY_SIGNATURE
    assert signer.key_id == key_id(bytes.fromhex(RFC8032_PUBLIC)) == "21fe31dfa154a261"
    assert public_entry(signer.public_raw)["public_key"] == b64(bytes.fromhex(RFC8032_PUBLIC))


def _checkpoint(signer: Signer, **changes) -> Checkpoint:
    fields = dict(
        service="goals",
        tenant_id="acme",
        position=7,
        hash="cd" * 32,
        signed_at="2026-01-01T00:00:00.000000Z",
        key_id=signer.key_id,
        signature="",
    )
    unsigned = Checkpoint(**fields)
    signed = Checkpoint(**{**fields, "signature": signer.sign(unsigned.message())})
    return Checkpoint(**{**signed.as_dict(), **changes})


def test_a_checkpoint_verifies_with_its_key_and_not_once_changed_or_with_another_key() -> None:
    signer = Signer.from_text(DEV_AUDIT_SIGNING_KEY)
    keys = {signer.key_id: signer.public_raw}
    assert signature_fault(_checkpoint(signer), keys) is None
    assert "does not verify" in signature_fault(_checkpoint(signer, position=8), keys)
    assert "does not verify" in signature_fault(_checkpoint(signer, hash="ce" * 32), keys)
    assert "unknown key" in signature_fault(_checkpoint(signer), {})


def test_a_pem_key_and_a_raw_key_sign_alike() -> None:
    from cryptography.hazmat.primitives import serialization

    signer = Signer.from_text(DEV_AUDIT_SIGNING_KEY)
    pem = signer._key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    assert Signer.from_text(pem).key_id == signer.key_id
    with pytest.raises(ValueError, match="32"):
        Signer.from_text(b64(b"short"))


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_ENV", "production")
    monkeypatch.delenv("OKR_AUDIT_SIGNING_KEY", raising=False)


@pytest.mark.parametrize(
    ("key", "named"),
    [
        (DEV_AUDIT_SIGNING_KEY, "development key"),
        ("", "no audit signing key"),
        ("replace-me", "placeholder"),
    ],
)
def test_outside_development_an_unsafe_signing_key_refuses_to_start(
    production: None, key: str, named: str
) -> None:
    with pytest.raises(UnsafeConfiguration, match=named):
        AuditSettings(signing_key=key).refuse_unsafe()


def test_the_goal_service_refuses_the_development_signing_key_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from okr_goals.http import create_http_app

    world = audit_world()
    monkeypatch.setenv("OKR_ENV", "production")
    monkeypatch.setenv("OKR_AUDIT_SIGNING_KEY", DEV_AUDIT_SIGNING_KEY)
    world.container.__dict__.pop("audit", None)
    world.container.settings = world.container.settings.model_copy(
        update={"audit": AuditSettings()}
    )
    with pytest.raises(UnsafeConfiguration, match="development key"):
        create_http_app(world.container, run_relay=False)


def test_a_real_key_outside_development_is_accepted(production: None, tmp_path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    path = tmp_path / "audit.key"
    path.write_text(b64(raw))
    settings = AuditSettings(signing_key_file=str(path))
    settings.refuse_unsafe()
    assert Signer.from_text(settings.key_text()).key_id


def test_the_canonical_line_of_a_domain_event_is_its_published_cloud_event() -> None:
    world = audit_world()
    objective_id = world.objective("Grow revenue")
    stored = [s for s in world.audit.lines.between(0, 10_000) if s.aggregate_id == objective_id]
    line = stored[0].line
    assert line == canonical_json(json.loads(line)), "keys sorted, no whitespace"
    record = json.loads(line)
    assert set(record) == {
        "aggregate_id",
        "aggregate_version",
        "event",
        "position",
        "service",
        "tenant_id",
    }
    assert (record["service"], record["tenant_id"]) == ("goals", "acme")
    assert (record["aggregate_id"], record["aggregate_version"]) == (objective_id, 1)
    domain_event = next(iter(world.container.store.events.get(UUID(objective_id))))
    published = published_form(default_registry())(domain_event, lambda e: None)
    assert record["event"] == json.loads(canonical_json(structured(published)))
    assert record["event"]["type"] == "okr.goals.ObjectiveCreated"
    assert record["event"]["data"]["title"] == "Grow revenue"
    assert "traceparent" not in record["event"]


def test_an_internal_event_is_chained_as_null_under_its_aggregates_first_tenant() -> None:
    world = audit_world()
    lines = list(world.audit.lines.between(0, 10_000))
    internal = [json.loads(s.line) for s in lines if json.loads(s.line)["event"] is None]
    assert internal, "rosters are internal"
    assert {r["tenant_id"] for r in internal} == {"acme"}
    assert [json.loads(s.line)["position"] for s in lines] == [s.position for s in lines]
