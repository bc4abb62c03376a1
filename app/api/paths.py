"""Path convertors for prefixed ids.

A write route on `/v1/commitments/{id}` must not claim `/v1/commitments/summary`: matched by
the path alone it would answer a PATCH there with a 422 about the id, where the truth is that
the path does not take that method (405 with `Allow`). A convertor makes the route match ids
only, so routing, `Allow` and the OpenAPI document agree.
"""

from starlette.convertors import Convertor, register_url_convertor


class _PrefixedId(Convertor[str]):
    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def id_convertor(prefix: str) -> str:
    """Registers (once) and names the convertor of ids such as `cmt_01j0...` (app.ids)."""
    name = f"{prefix}_id"
    convertor = type(
        f"{prefix.title()}IdConvertor", (_PrefixedId,), {"regex": f"{prefix}_[0-9a-z]{{26}}"}
    )
    register_url_convertor(name, convertor())
    return name
