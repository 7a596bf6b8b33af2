"""The deployment files render and pass validation, and the checks fail on a broken copy.

kustomize (base and every overlay) and the Helm chart (lint, and template with each values
file) render every object; each passes the Kubernetes schemas of the versions in
KUBERNETES_VERSIONS and the policy checks of tests/support/deploy_policy.py; docker compose
accepts docker-compose.yml; hadolint and the policy accept every Dockerfile. The tools come from
deploy/local/tools.sh (built on first use); a tool that cannot be built fails the tests.
"""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.support import deploy_policy as policy
from tests.support.deploy_tools import (
    CHART,
    KUSTOMIZE_DIRS,
    REPO,
    VALUES_FILES,
    ToolFailed,
    compose_config,
    hadolint,
    helm_lint,
    helm_template,
    kustomize_build,
    tool,
)

# The first run builds kustomize, helm and docker compose from source (minutes on two cores).
pytestmark = pytest.mark.timeout(2400)

DOCKERFILES = sorted(REPO.glob("services/*/Dockerfile"))
LOCAL_SETTINGS = REPO / "deploy" / "local" / "common.sh"
PRODUCTION = {"overlays/production", "values-production.yaml"}


def render_kustomize(root: Path, directory: str) -> list[dict]:
    return policy.load(kustomize_build(root / directory))


def render_chart(chart: Path, values: str, *sets: str) -> dict[str, list[dict]]:
    versions = policy.KUBERNETES_VERSIONS
    return {v: policy.load(helm_template(chart, values, v, *sets)) for v in versions}


@pytest.mark.parametrize("directory", KUSTOMIZE_DIRS)
def test_kustomize_renders_objects_that_pass_schemas_and_policy(directory):
    objs = render_kustomize(REPO / "k8s", directory)

    assert policy.manifest_findings(objs, require_digest=directory in PRODUCTION) == []


def test_kustomize_strimzi_component_replaces_the_topic_job(tmp_path):
    overlay = tmp_path / "k8s" / "overlays" / "strimzi"
    shutil.copytree(REPO / "k8s", tmp_path / "k8s")
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [../production]\ncomponents: [../../components/strimzi-topics]\n"
    )

    objs = render_kustomize(tmp_path / "k8s", "overlays/strimzi")

    assert policy.manifest_findings(objs, require_digest=True, topics_by_job=False) == []
    assert len([o for o in objs if o["kind"] == "KafkaTopic"]) == 13


@pytest.mark.parametrize("values", VALUES_FILES)
def test_chart_lints_and_renders_objects_that_pass_schemas_and_policy(values):
    for version in policy.KUBERNETES_VERSIONS:
        helm_lint(CHART, values, version)
    for version, objs in render_chart(CHART, values).items():
        findings = policy.manifest_findings(objs, require_digest=values in PRODUCTION)
        assert findings == [], f"Kubernetes {version}"


def test_chart_renders_strimzi_topics_instead_of_the_topic_job():
    for objs in render_chart(
        CHART, "values-production.yaml", "topics.strimzi.enabled=true"
    ).values():
        assert policy.manifest_findings(objs, require_digest=True, topics_by_job=False) == []
        assert not [o for o in objs if o["metadata"]["name"] == "okr-provision-topics"]
        assert len([o for o in objs if o["kind"] == "KafkaTopic"]) == 13


def test_chart_points_the_services_at_the_collector_and_scrapes_them_with_the_token():
    objs = render_chart(CHART, "values-production.yaml")["1.37"]
    config = next(
        o for o in objs if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "okr-config"
    )
    monitor = next(o for o in objs if o["kind"] == "ServiceMonitor")

    assert config["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://okr-otel-collector:4318"
    assert monitor["spec"]["endpoints"] == [
        {
            "port": "http",
            "path": "/metrics",
            "interval": "30s",
            "bearerTokenSecret": {"name": "okr-metrics", "key": "token"},
        }
    ]


def test_chart_and_kustomize_production_render_the_same_objects():
    kinds = {"Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "Job"}
    kinds |= {"HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor"}

    def named(objs):
        return {(o["kind"], o["metadata"]["name"]) for o in objs if o["kind"] in kinds}

    chart = named(render_chart(CHART, "values-production.yaml")["1.37"])
    kustomize = named(render_kustomize(REPO / "k8s", "overlays/production"))

    assert chart == kustomize
    assert len([k for k, _ in chart if k == "NetworkPolicy"]) == 10


def test_compose_file_is_valid_with_local_ports_and_provisioning_jobs():
    config = compose_config(REPO / "docker-compose.yml")

    assert policy.compose_findings(config) == []
    local = re.search(r'KAFKA_VERSION="\$\{KAFKA_VERSION:-([0-9.]+)\}"', LOCAL_SETTINGS.read_text())
    assert config["services"]["kafka"]["image"] == f"apache/kafka:{local.group(1)}"
    goals = config["services"]["goals"]["depends_on"]
    assert goals["provision-topics"]["condition"] == "service_completed_successfully"
    assert goals["migrate-goals"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_dockerfile_passes_hadolint_and_policy(dockerfile):
    done = hadolint(dockerfile)

    assert done.returncode == 0, done.stdout + done.stderr
    assert policy.dockerfile_findings(dockerfile.parent.name, dockerfile.read_text()) == []


def test_every_service_has_a_dockerfile():
    assert sorted(p.parent.name for p in DOCKERFILES) == sorted(policy.SERVICES)


# The checks can fail: one deliberate break per case, in a copy, each named by the check.


def broken_kustomize(tmp_path: Path, file: str, old: str, new: str) -> Path:
    shutil.copytree(REPO / "k8s", tmp_path / "k8s")
    path = tmp_path / "k8s" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return tmp_path / "k8s"


def cut_kustomize(tmp_path: Path, file: str, start: str, end: str, after: str = "") -> Path:
    """A copy of k8s/ whose file loses the lines from `start` up to `end` (after `after`)."""
    shutil.copytree(REPO / "k8s", tmp_path / "k8s")
    path = tmp_path / "k8s" / file
    text = path.read_text()
    begin = text.index(start, text.index(after))
    begin = text.rindex("\n", 0, begin) + 1
    stop = text.rindex("\n", 0, text.index(end, begin)) + 1
    path.write_text(text[:begin] + text[stop:])
    return tmp_path / "k8s"


def broken_chart(tmp_path: Path, file: str, old: str, new: str) -> Path:
    shutil.copytree(CHART, tmp_path / "chart")
    path = tmp_path / "chart" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return tmp_path / "chart"


def test_a_missing_probe_is_named(tmp_path):
    root = cut_kustomize(tmp_path, "base/goals.yaml", "readinessProbe:", "livenessProbe:")

    findings = policy.manifest_findings(render_kustomize(root, "base"))

    assert findings == ["Deployment/okr-goals container goals: readinessProbe is missing"]


def test_a_missing_limit_is_named(tmp_path):
    defaults = "    requests: {cpu: 100m, memory: 192Mi}\n    limits: {cpu: 500m, memory: 512Mi}\n"
    chart = broken_chart(tmp_path, "values.yaml", defaults, defaults.replace(", memory: 512Mi", ""))

    findings = policy.container_findings(render_chart(chart, "values.yaml")["1.37"])

    assert findings == [
        f"Deployment/okr-{svc} container {svc}: resources.limits.memory is missing"
        for svc in sorted(policy.SERVICES)
    ]


def test_a_tag_without_digest_in_production_is_named(tmp_path):
    root = broken_kustomize(
        tmp_path,
        "overlays/production/kustomization.yaml",
        "    digest: sha256:" + "3" * 64 + "\n",
        '    newTag: "0.1.0"\n',
    )

    findings = policy.manifest_findings(render_kustomize(root, "overlays/production"), True)

    assert findings == [
        "Deployment/okr-reviews container reviews: image "
        "'registry.example.com/okr/okr-reviews:0.1.0' is not pinned by digest",
        "Job/okr-migrate-reviews container provision: image "
        "'registry.example.com/okr/okr-reviews:0.1.0' is not pinned by digest",
    ]


def test_a_schema_invalid_field_is_named(tmp_path):
    chart = broken_chart(
        tmp_path,
        "templates/deployments.yaml",
        "  revisionHistoryLimit: 5\n",
        "  revisionHistory: 5\n",
    )

    findings = policy.schema_errors(render_chart(chart, "values.yaml")["1.30"], ["1.30"])

    assert len(findings) == 6
    assert all("Additional properties" in f and "revisionHistory" in f for f in findings)
    assert findings[0].startswith("Deployment/okr-checkins (Kubernetes 1.30)")


def test_an_api_open_to_any_source_is_named(tmp_path):
    file = "components/network-policies/network-policies.yaml"
    root = cut_kustomize(tmp_path, file, "- from:", "ports:", after="  name: okr-goals\n")
    path = root / file
    path.write_text(
        path.read_text().replace("  ingress:\n      ports:", "  ingress:\n    - ports:", 1)
    )

    findings = policy.isolation_findings(render_kustomize(root, "base"))

    assert findings == ["NetworkPolicy/okr-goals: an ingress rule admits any source"]


def test_a_dockerfile_running_as_root_is_named(tmp_path):
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        (REPO / "services/goals/Dockerfile").read_text().replace("USER 10001:10001", "USER root")
    )
    without_user = (REPO / "services/web/Dockerfile").read_text().replace("USER 10001:10001\n", "")

    done = hadolint(broken)

    assert done.returncode != 0 and "DL3002" in done.stdout
    assert policy.dockerfile_findings("goals", broken.read_text()) == [
        "goals: the final stage runs as root (USER root)"
    ]
    assert policy.dockerfile_findings("web", without_user) == [
        "web: the final stage sets no USER (runs as root)"
    ]


def test_a_port_open_beyond_localhost_in_compose_is_named(tmp_path):
    text = (REPO / "docker-compose.yml").read_text()
    assert '"127.0.0.1:8003:8003"' in text
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace('"127.0.0.1:8003:8003"', '"8003:8003"'))
    shutil.copytree(REPO / "deploy", tmp_path / "deploy")

    findings = policy.compose_findings(compose_config(broken))

    assert findings == ["compose service reviews: port 8003 not on 127.0.0.1"]


def test_an_invalid_compose_file_fails(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        (REPO / "docker-compose.yml").read_text().replace("    restart:", "    restarts:", 1)
    )

    with pytest.raises(ToolFailed, match="restarts"):
        compose_config(broken)


def test_a_duplicate_key_is_named(tmp_path):
    chart = broken_chart(
        tmp_path,
        "templates/_helpers.tpl",
        "app.kubernetes.io/managed-by: {{ .Release.Service }}\n",
        "app.kubernetes.io/managed-by: {{ .Release.Service }}\n"
        "app.kubernetes.io/instance: {{ .Release.Name }}\n",
    )

    with pytest.raises(yaml.constructor.ConstructorError, match="app.kubernetes.io/instance"):
        render_chart(chart, "values.yaml")


def test_missing_disruption_budgets_and_autoscalers_are_named(tmp_path):
    root = broken_kustomize(tmp_path, "base/kustomization.yaml", "  - ha.yaml\n", "")

    findings = policy.service_findings(render_kustomize(root, "base"))

    assert findings == [
        f"okr-{svc}: no {kind}"
        for svc in policy.SERVICES
        for kind in ("PodDisruptionBudget", "HorizontalPodAutoscaler")
    ]


def test_a_tool_that_cannot_be_installed_fails_rather_than_skips():
    with pytest.raises(ToolFailed, match="unknown tool: kubeconform"):
        tool("kubeconform")


def test_a_values_file_outside_the_chart_schema_is_named(tmp_path):
    chart = broken_chart(
        tmp_path, "values.yaml", "provisioning: external\n", "provisioning: both\n"
    )

    with pytest.raises(ToolFailed, match="/provisioning': value must be one of"):
        helm_lint(chart, "values.yaml", "1.37")
