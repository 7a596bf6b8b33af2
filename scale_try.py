import tempfile, uuid, json
from pathlib import Path
from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings, KafkaSettings
from tests.bench.platform import TENANT, Bench
from tests.bench import scale
from tests.support.infra import local_processes
infra = local_processes()
ns = f"bench-{uuid.uuid4().hex[:8]}"
kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_namespace=ns)
token = DevTokenIssuer(AuthSettings()).issue(TENANT, "ceo", ("admin",))
with tempfile.TemporaryDirectory() as tmp:
    b = Bench(infra, kafka, ns, token, Path(tmp))
    for f in scale.scale_figures(b):
        print(f)
