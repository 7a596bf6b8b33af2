"""The event catalogue (`shared/okr_shared/contracts/README.md`) as tests read it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

README = Path(__file__).parents[2] / "shared/okr_shared/contracts/README.md"


def catalogue(topic: str) -> dict[str, int]:
    """Event name -> current version, from the tables of the README's section on `topic` only."""
    text = README.read_text()
    start = re.search(rf"^## `{re.escape(topic)}`.*$", text, re.MULTILINE)
    assert start, f"the README has no {topic} section"
    section = re.split(r"^## ", text[start.end() :], maxsplit=1, flags=re.MULTILINE)[0]
    return {
        m[1]: int(m[2]) for m in re.finditer(r"^\| `([A-Za-z]+)` v(\d+)", section, re.MULTILINE)
    }


def assert_schema_is_valid_and_documented(path: Path, context: str) -> None:
    """A schema is valid 2020-12, names and describes itself, and requires every field it lists."""
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    name, version = path.name.split(".")[:2]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:okr:schema:{context}:{name}:{version[1:]}"
    assert schema["title"] == name and schema["description"].strip()
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == sorted(schema["properties"])
