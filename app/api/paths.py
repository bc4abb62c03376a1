"""Path convertors for a parameter whose path has literal siblings.

`PATCH /v1/commitments/{id}` must not claim `/v1/commitments/summary`: matched by the path
alone it would answer a PATCH there with a 422 about the id, where the truth is that the path
`/v1/commitments/summary` does not take that method (405 with `Allow: GET, HEAD`). A convertor
that matches any segment but the literal ones keeps routing, `Allow` and the OpenAPI document
in agreement, while every other value still reaches the route (and its own validation).
"""

import re

from starlette.convertors import Convertor, register_url_convertor


class _Segment(Convertor[str]):
    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def segment_except(*literals: str) -> str:
    """Registers (once) and names a convertor of one path segment other than `literals`."""
    name = "except_" + "_".join(re.sub(r"[^a-z0-9]", "_", literal) for literal in literals)
    excluded = "|".join(re.escape(literal) for literal in literals)
    convertor = type(
        f"SegmentExcept{len(literals)}", (_Segment,), {"regex": f"(?!(?:{excluded})(?:/|$))[^/]+"}
    )
    register_url_convertor(name, convertor())
    return name
