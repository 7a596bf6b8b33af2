"""How a contract marks personal fields, and what such a field may hold besides its text.

A string field whose schema says `"x-okr-personal": true` holds a person's text. In the stored
(canonical) form it holds the text sealed (`sealed:v1:...`); on Kafka and in reads the text, or
the erased marker `""` once the person's data was erased. The schemas state the text's rules;
`tolerant` derives the schema that also admits the sealed and erased forms, and the store checks
the opened text against the schema as written.
"""

from __future__ import annotations

import copy
from typing import Any

PERSONAL = "x-okr-personal"
SEALED_OR_ERASED = {
    "anyOf": [{"type": "string", "pattern": "^sealed:v1:[0-9a-f]+:"}, {"const": ""}]
}


def tolerant(schema: Any) -> Any:
    """The schema with every personal field admitting, besides its text, a sealed string and
    the erased marker."""
    if isinstance(schema, list):
        return [tolerant(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: tolerant(v) for k, v in schema.items()}
    if schema.get(PERSONAL) is True:
        text = {k: v for k, v in out.items() if k != PERSONAL}
        return {PERSONAL: True, "anyOf": [text, copy.deepcopy(SEALED_OR_ERASED)]}
    return out


def personal_paths(schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The paths of the personal fields of an event's data (`*` for any array item), resolving
    local `$defs` references."""
    defs = schema.get("$defs", {})

    def walk(node: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        if not isinstance(node, dict):
            return []
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            node = defs.get(ref.removeprefix("#/$defs/"), {})
        if node.get(PERSONAL) is True:
            return [path]
        found = []
        for name, sub in node.get("properties", {}).items():
            found += walk(sub, (*path, name))
        if "items" in node:
            found += walk(node["items"], (*path, "*"))
        return found

    return walk(schema, prefix)
