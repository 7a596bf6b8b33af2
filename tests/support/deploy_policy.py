"""Checks of rendered Kubernetes manifests, compose files and Dockerfiles beyond their schemas.

Every function returns a list of findings, each naming the object and what is wrong; an empty
list means the input passes.
"""

import re
from collections.abc import Iterable, Iterator

import kubernetes_validate
import yaml

SERVICES = ("goals", "checkins", "reviews", "incentives", "projections", "web")
EVENT_SOURCED = ("goals", "checkins", "reviews", "incentives")
KUBERNETES_VERSIONS = ("1.30", "1.37")
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job")
# Custom resources the Kubernetes schemas do not describe, with the fields they must have.
CUSTOM_RESOURCES = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ("selector", "endpoints"),
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): ("topicName", "partitions", "replicas", "config"),
}
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader refusing duplicate keys (the API server and Helm's parser may refuse them)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate keys {duplicates}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> list[dict]:
    """The objects of a multi-document YAML text; empty ones dropped, duplicate keys refused."""
    return [doc for doc in yaml.load_all(text, Loader=_StrictLoader) if doc]


def ident(obj: dict) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def schema_errors(objs: Iterable[dict], versions: Iterable[str] = KUBERNETES_VERSIONS) -> list[str]:
    """Strict schema validation of every object for every Kubernetes version."""
    found = []
    for obj in objs:
        key = (obj.get("apiVersion"), obj.get("kind"))
        if key in CUSTOM_RESOURCES:
            missing = [f for f in CUSTOM_RESOURCES[key] if f not in obj.get("spec", {})]
            found += [f"{ident(obj)}: spec.{f} is missing" for f in missing]
            continue
        for version in versions:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as e:
                path = ".".join(str(p) for p in e.path)
                found.append(f"{ident(obj)} (Kubernetes {version}): {path}: {e.message}")
            except kubernetes_validate.SchemaNotFoundError:
                found.append(f"{ident(obj)}: no schema for {key} in Kubernetes {version}")
    return found


def _pod_spec(obj: dict) -> dict:
    return obj.get("spec", {}).get("template", {}).get("spec", {})


def _containers(obj: dict) -> Iterator[dict]:
    spec = _pod_spec(obj)
    yield from spec.get("initContainers", [])
    yield from spec.get("containers", [])


def _container_findings(obj: dict, c: dict, require_digest: bool) -> list[str]:
    where = f"{ident(obj)} container {c.get('name')}"
    pod_sec = _pod_spec(obj).get("securityContext", {})
    sec = c.get("securityContext", {})
    res = c.get("resources", {})
    found = [
        f"{where}: resources.{kind}.{r} is missing"
        for kind in ("requests", "limits")
        for r in ("cpu", "memory")
        if r not in res.get(kind, {})
    ]
    if not sec.get("runAsNonRoot", pod_sec.get("runAsNonRoot")):
        found.append(f"{where}: runAsNonRoot is not true")
    if sec.get("readOnlyRootFilesystem") is not True:
        found.append(f"{where}: readOnlyRootFilesystem is not true")
    if sec.get("allowPrivilegeEscalation") is not False:
        found.append(f"{where}: allowPrivilegeEscalation is not false")
    if "ALL" not in sec.get("capabilities", {}).get("drop", []):
        found.append(f"{where}: capabilities.drop lacks ALL")
    seccomp = sec.get("seccompProfile", pod_sec.get("seccompProfile", {}))
    if seccomp.get("type") != "RuntimeDefault":
        found.append(f"{where}: seccompProfile is not RuntimeDefault")
    if obj["kind"] != "Job":
        found += [
            f"{where}: {p} is missing" for p in ("livenessProbe", "readinessProbe") if p not in c
        ]
    if require_digest and not DIGEST.search(c.get("image", "")):
        found.append(f"{where}: image {c.get('image')!r} is not pinned by digest")
    return found


def container_findings(objs: Iterable[dict], require_digest: bool = False) -> list[str]:
    """Probes, requests and limits, hardening and (when required) digests of every container."""
    found = []
    for obj in objs:
        if obj.get("kind") in WORKLOADS:
            for c in _containers(obj):
                found += _container_findings(obj, c, require_digest)
    return found


def _selects(policy: dict, name: str) -> bool:
    labels = policy.get("spec", {}).get("podSelector", {}).get("matchLabels", {})
    return labels.get("app.kubernetes.io/name") == name


def _deployment_findings(dep: dict) -> list[str]:
    spec = _pod_spec(dep)
    keys = {t.get("topologyKey") for t in spec.get("topologySpreadConstraints", [])}
    found = [
        f"{ident(dep)}: no topology spread across {k}"
        for k in ("kubernetes.io/hostname", "topology.kubernetes.io/zone")
        if k not in keys
    ]
    container = spec.get("containers", [{}])[0]
    if "preStop" not in container.get("lifecycle", {}):
        found.append(f"{ident(dep)}: no preStop pause")
    if spec.get("terminationGracePeriodSeconds", 30) <= 30:
        found.append(f"{ident(dep)}: terminationGracePeriodSeconds is not above 30")
    return found


def service_findings(objs: list[dict], services: Iterable[str] = SERVICES) -> list[str]:
    """Every service has its Deployment (spread, preStop, grace), Service, PDB, HPA and policy."""
    by_kind: dict[str, dict[str, dict]] = {}
    for obj in objs:
        by_kind.setdefault(obj.get("kind"), {})[obj.get("metadata", {}).get("name")] = obj
    policies = by_kind.get("NetworkPolicy", {}).values()
    found = []
    for svc in services:
        name = f"okr-{svc}"
        for kind in ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"):
            if name not in by_kind.get(kind, {}):
                found.append(f"{name}: no {kind}")
        if not any(_selects(p, name) for p in policies):
            found.append(f"{name}: no NetworkPolicy selects it")
        if name in by_kind.get("Deployment", {}):
            found += _deployment_findings(by_kind["Deployment"][name])
    return found


def isolation_findings(objs: list[dict]) -> list[str]:
    """A default deny of ingress and egress, and no API reachable from anywhere."""
    policies = [o for o in objs if o.get("kind") == "NetworkPolicy"]
    deny = [
        p
        for p in policies
        if p["spec"].get("podSelector") == {}
        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    found = [] if deny else ["no default-deny NetworkPolicy for ingress and egress"]
    for p in policies:
        for rule in p["spec"].get("ingress", []):
            if not rule.get("from"):
                found.append(f"{ident(p)}: an ingress rule admits any source")
        for rule in p["spec"].get("egress", []):
            if not rule.get("to"):
                found.append(f"{ident(p)}: an egress rule admits any destination")
    return found


def provisioning_findings(objs: list[dict], topics_by_job: bool = True) -> list[str]:
    """The topic job (or KafkaTopic resources) and a migration job per event-sourced service."""
    commands = [
        " ".join(c.get("command", []))
        for o in objs
        if o.get("kind") == "Job"
        for c in _containers(o)
    ]
    found = []
    if topics_by_job and "python -m okr_shared.provision topics" not in commands:
        found.append("no Job runs `python -m okr_shared.provision topics`")
    if not topics_by_job and not any(o.get("kind") == "KafkaTopic" for o in objs):
        found.append("no KafkaTopic resources")
    for svc in EVENT_SOURCED:
        wanted = f"python -m okr_shared.provision tables --service {svc} --grant-to "
        if not any(c.startswith(wanted) for c in commands):
            found.append(f"no migration Job for {svc} (`{wanted}<role>`)")
    return found


def manifest_findings(
    objs: list[dict], require_digest: bool = False, topics_by_job: bool = True
) -> list[str]:
    """Every check of a full render of the platform."""
    return (
        schema_errors(objs)
        + container_findings(objs, require_digest)
        + service_findings(objs)
        + isolation_findings(objs)
        + provisioning_findings(objs, topics_by_job)
    )


def dockerfile_findings(name: str, text: str) -> list[str]:
    """The final stage runs as a non-root user and has a HEALTHCHECK."""
    stages = re.split(r"(?im)^FROM\s", text)
    final = stages[-1]
    users = re.findall(r"(?im)^USER\s+(\S+)", final)
    found = []
    if not users:
        found.append(f"{name}: the final stage sets no USER (runs as root)")
    elif users[-1].split(":")[0] in ("root", "0"):
        found.append(f"{name}: the final stage runs as root (USER {users[-1]})")
    if not re.search(r"(?im)^HEALTHCHECK\s", final):
        found.append(f"{name}: the final stage has no HEALTHCHECK")
    return found


def compose_findings(config: dict) -> list[str]:
    """Every published port bound to 127.0.0.1; services depend on the provisioning jobs."""
    found = []
    services = config.get("services", {})
    for name, svc in services.items():
        for port in svc.get("ports", []):
            if port.get("host_ip") != "127.0.0.1":
                found.append(
                    f"compose service {name}: port {port.get('published')} not on 127.0.0.1"
                )
    for svc in SERVICES:
        if svc not in services:
            found.append(f"compose: no service {svc}")
            continue
        env = services[svc].get("environment", {})
        if svc != "web" and env.get("OKR_PROVISIONING") != "external":
            found.append(f"compose service {svc}: OKR_PROVISIONING is not external")
    return found
