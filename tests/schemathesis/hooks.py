"""Schemathesis hooks for `tests/schemathesis.rs`.

Two things in this API cannot come from a schema, and these hooks supply
them from the running stack's fixtures (given in the environment):

- The webhook routes check an HMAC signature of the raw body, which no schema
can describe. For requests that are meant to be valid (positive mode, and
every stateful step), these hooks sign the exact bytes sent, as the carrier
and Stripe do (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`),
with the local stack's secrets taken from the environment. Requests meant to
be invalid go out as generated and meet 400 `invalid_signature`, which the
contract declares.
- A cart only reaches checkout, and so an order, its tracking, cancellation
and returns, with SKUs that are for sale. In the stateful phase (the
createCart -> addCartItem -> checkout -> ... links) the SKU added to a cart
is swapped for one of the seeded catalog's, picked from the generated one, so
the run stays reproducible. Other phases keep generated SKUs, which meet 422
`unknown_sku`. Likewise each stateful checkout or refund gets an
`Idempotency-Key` of its own, as a client sends for each new attempt (a
generated key repeats across scenarios, and a key reused for another request
is rightly 422 `idempotency_key_reused`).
"""

import hashlib
import hmac
import itertools
import json
import os
import time

import schemathesis
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET
from schemathesis.generation.meta import TestPhase

WEBHOOKS = {
    "/webhooks/carrier": ("Carrier-Signature", "CARRIER_WEBHOOK_SECRET"),
    "/webhooks/payments": ("Stripe-Signature", "PAYMENT_WEBHOOK_SECRET"),
}


def _meant_to_be_valid(case) -> bool:
    meta = case.meta
    return meta is None or meta.generation.mode == GenerationMode.POSITIVE


ATTEMPTS = itertools.count(1)


def _stateful(case) -> bool:
    meta = case.meta
    return meta is not None and meta.phase.name == TestPhase.STATEFUL and meta.generation.mode == GenerationMode.POSITIVE


@schemathesis.hook
def before_call(context, case, kwargs):
    if _stateful(case) and case.headers and "Idempotency-Key" in case.headers:
        case.headers = {**case.headers, "Idempotency-Key": f"attempt-{next(ATTEMPTS)}"}
    webhook = WEBHOOKS.get(case.operation.path)
    if webhook is None or not _meant_to_be_valid(case) or case.body is NOT_SET:
        return
    header, secret_variable = webhook
    secret = os.environ[secret_variable].encode()
    # Serialised as `requests` would, then sent as these very bytes.
    body = json.dumps(case.body, allow_nan=False).encode()
    timestamp = int(time.time())
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    case.headers = {**(case.headers or {}), header: f"t={timestamp},v1={digest}", "Content-Type": "application/json"}
    kwargs["data"] = body


CATALOG = [sku for sku in os.environ.get("CATALOG_SKUS", "").split(",") if sku]


@schemathesis.hook
def map_case(context, case):
    if (
        CATALOG
        and case.operation.path == "/carts/{cartId}/items"
        and case.method.upper() == "POST"
        and _stateful(case)
        and isinstance(case.body, dict)
        and isinstance(case.body.get("sku"), str)
    ):
        sku = case.body["sku"]
        case.body = {**case.body, "sku": CATALOG[sum(sku.encode()) % len(CATALOG)], "quantity": 1}
    return case
