"""Which media type a GraphQL answer is written in, from the request's Accept header.

The GraphQL-over-HTTP specification defines `application/graphql-response+json`: with it, a
request refused before it runs is a 4xx answer without `data`, so a client can tell a GraphQL
refusal from a proxy's error page. `application/json` keeps the older contract (200 with
`errors`); it is also the answer to `*/*`, `application/*` and to a request without Accept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
# The Content-Type header of each: the newer type says its charset, as the specification asks;
# application/json is labelled as it always was.
CONTENT_TYPES = {JSON: JSON, GRAPHQL_RESPONSE: f"{GRAPHQL_RESPONSE}; charset=utf-8"}
# Media ranges a client may send, the answers each stands for, and how specific it is: for each
# answer the most specific range naming it decides (`*/*, application/json;q=0` refuses JSON).
BOTH = (JSON, GRAPHQL_RESPONSE)
RANGES = {
    GRAPHQL_RESPONSE: ((GRAPHQL_RESPONSE,), 2),
    JSON: ((JSON,), 2),
    "application/*": (BOTH, 1),
    "*/*": (BOTH, 0),
}
UTF8 = {"utf-8", "utf8"}


class Preference(NamedTuple):
    q: float
    specificity: int
    position: int  # in the header: the earlier, the preferred on a tie


@lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, or None when the header accepts none that we write."""
    if accept is None or not accept.strip():
        return JSON
    preferences: dict[str, Preference] = {}
    for position, item in enumerate(accept.split(",")):
        media, *parameters = (part.strip().lower() for part in item.split(";"))
        if media not in RANGES:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = (part.strip().strip('"') for part in parameter.partition("="))
            if name == "q":
                q = _quality(value)
            elif name == "charset" and value not in UTF8:
                q = 0.0  # we only write UTF-8
        answers, specificity = RANGES[media]
        for answer in answers:
            found = preferences.get(answer)
            if found is None or specificity > found.specificity:
                preferences[answer] = Preference(q, specificity, position)
    # The best weight, then the most specific range, then the first listed; on a full tie (a
    # wildcard) JSON, which every client reads.
    choices = [
        ((p.q, p.specificity, -p.position, answer == JSON), answer)
        for answer, p in preferences.items()
        if p.q > 0
    ]
    return max(choices)[1] if choices else None


def _quality(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0  # a malformed weight accepts nothing rather than guessing
    return q if 0.0 <= q <= 1.0 else 0.0


def content_type(media: str | None) -> str:
    """The Content-Type header of an answer in `media` (JSON when nothing was acceptable)."""
    return CONTENT_TYPES[media or JSON]
