"""What every string a request carries must be: valid Unicode, without control characters."""

from __future__ import annotations

import re
from typing import Any

# C0 controls other than tab, line feed and carriage return, which free text may hold.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE = re.compile("[\x00-\x1f\ud800-\udfff]")

MAX_JSON_DEPTH = 32


class TooDeep(Exception):
    """A JSON document nested deeper than `MAX_JSON_DEPTH`."""


def text_fault(value: str) -> str | None:
    """Why the string may not be stored, or None when it may."""
    if _SURROGATE.search(value):
        return "must be valid Unicode (no lone surrogate code points)"
    if _CONTROL.search(value):
        return "must not contain control characters (only tab, line feed and carriage return)"
    return None


def shown(value: str) -> str:
    """The string with lone surrogates and control characters escaped, safe to echo in an answer."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _escape(key: str) -> str:
    return shown(key.replace("~", "~0").replace("/", "~1"))


def text_faults(
    document: Any, root: str = "#", max_depth: int = MAX_JSON_DEPTH
) -> list[dict[str, str]]:
    """Every string (value or key) of a parsed JSON document that may not be stored, by pointer;
    raises TooDeep when the document nests deeper than `max_depth`."""
    faults = []
    stack: list[tuple[Any, str, int]] = [(document, root, 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if isinstance(value, str):
            fault = text_fault(value)
            if fault:
                faults.append({"pointer": pointer, "detail": fault})
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= max_depth:
            raise TooDeep(f"the document nests deeper than {max_depth} levels at {pointer}")
        if isinstance(value, dict):
            for key, item in value.items():
                fault = text_fault(key)
                if fault:
                    faults.append(
                        {"pointer": f"{pointer}/{_escape(key)}", "detail": f"name {fault}"}
                    )
                stack.append((item, f"{pointer}/{_escape(key)}", depth + 1))
        else:
            stack.extend((item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(value))
    return sorted(faults, key=lambda f: f["pointer"])
