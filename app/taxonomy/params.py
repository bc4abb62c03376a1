"""Query parameters other domains filter by: places and framework terms, with their subtrees."""

from typing import Annotated

from fastapi import Query

PlaceFilter = Annotated[
    list[str] | None,
    Query(
        max_length=20,
        description="Alpha-3 or M49 codes (any of them); a region matches every place inside it.",
        examples=["019"],
    ),
]
TermFilter = Annotated[
    list[str] | None,
    Query(
        max_length=20,
        description="Framework term codes (any of them); a term matches its sub-terms "
        "(`sdg:10` covers `sdg:10.7`).",
        examples=["gcm:21"],
    ),
]
