"""The RateLimit header fields, as draft-ietf-httpapi-ratelimit-headers-10 defines them.

Both are Structured Field lists (RFC 9651) of items named by a String: the policy
(`"anonymous";q=600;w=60`) and the state of its quota for this client (`"anonymous";r=42;t=30`).
"""

from app.ratelimit.storage import Decision

DRAFT = "draft-ietf-httpapi-ratelimit-headers-10"


def rate_limit_headers(decision: Decision) -> dict[str, str]:
    policy = decision.policy
    headers = {
        "RateLimit-Policy": f'"{policy.name}";q={policy.quota};w={policy.window}',
        "RateLimit": f'"{policy.name}";r={decision.remaining};t={decision.reset}',
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.reset)
    return headers
