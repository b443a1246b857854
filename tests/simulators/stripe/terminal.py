"""Terminal: locations, readers, connection tokens and the reader action state machine.

Registration codes: ``simulated-wpe``, ``simulated-s700`` and ``simulated-s710`` register a
simulated reader (as on Stripe's test mode, reusable); three lowercase words joined by
hyphens (``quick-brown-fox``, what a physical reader shows) register a physical-looking
S710 once. Anything else is refused. Only simulated readers accept ``present_payment_method``.
"""

from __future__ import annotations

import re

from . import cards
from .charges import settle
from .common import LIST_PARAMS, allow, list_objects, required_str
from .errors import StripeApiError, invalid, missing, unexpected_state
from .forms import metadata
from .shapes import new_id, shape
from .state import Ctx, Obj, Params

SIMULATED_CODES = {
    "simulated-wpe": "simulated_wisepos_e",
    "simulated-s700": "simulated_stripe_s700",
    "simulated-s710": "simulated_stripe_s710",
}
PHYSICAL_CODE = re.compile(r"[a-z]{3,10}-[a-z]{3,10}-[a-z]{3,10}")
ADDRESS_REQUIRED = ("line1", "city", "country", "postal_code")
STATE_COUNTRIES = ("US", "CA", "AU")


def create_location(ctx: Ctx, params: Params) -> Obj:
    allow(params, "display_name", "address", "metadata", "configuration_overrides")
    display_name = required_str(params, "display_name")
    address = _address(params.get("address"))
    location = shape(
        "terminal.location",
        id=new_id("tml"),
        display_name=display_name,
        address=address,
        metadata=metadata(params),
    )
    return ctx.account.put(location)


def _address(raw: object) -> dict[str, str | None]:
    if raw is None or raw == "":
        raise missing("address")
    if not isinstance(raw, dict):
        raise invalid("address", "Invalid hash", code="parameter_invalid_hash")
    for part in ADDRESS_REQUIRED:
        if not raw.get(part):
            raise missing(f"address[{part}]")
    if str(raw["country"]).upper() in STATE_COUNTRIES and not raw.get("state"):
        raise missing("address[state]")
    unknown = set(raw) - {*ADDRESS_REQUIRED, "line2", "state"}
    if unknown:
        name = sorted(unknown)[0]
        raise StripeApiError(
            400,
            f"Received unknown parameter: address[{name}]",
            code="parameter_unknown",
            param=f"address[{name}]",
        )
    return {
        k: (raw.get(k) or None)
        for k in ("city", "country", "line1", "line2", "postal_code", "state")
    }


def retrieve_location(ctx: Ctx, params: Params, location_id: str) -> Obj:
    allow(params)
    return ctx.account.get("terminal.location", location_id)


def update_location(ctx: Ctx, params: Params, location_id: str) -> Obj:
    allow(params, "display_name", "address", "metadata")
    location = ctx.account.get("terminal.location", location_id)
    if "address" in params:
        location["address"] = _address(params["address"])
    if params.get("display_name"):
        location["display_name"] = params["display_name"]
    location["metadata"] = metadata(params, location["metadata"])
    return location


def list_locations(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS)
    return list_objects(ctx.account.all("terminal.location"), params, "/v1/terminal/locations")


def create_reader(ctx: Ctx, params: Params) -> Obj:
    allow(params, "registration_code", "label", "location", "metadata")
    code = required_str(params, "registration_code")
    location_id = required_str(params, "location")
    ctx.account.get("terminal.location", location_id, param="location")
    serial, reader_id = new_id("x", 12)[2:].upper(), new_id("tmr")
    paired: dict[str, str] = ctx.shared.setdefault("codes", {})  # physical code -> reader
    if code in SIMULATED_CODES:
        device_type, serial = SIMULATED_CODES[code], f"{code}-{serial}"
    elif PHYSICAL_CODE.fullmatch(code) and code not in paired:
        paired[code] = reader_id
        device_type, serial = "stripe_s710", f"STRM26{serial}"
    else:
        raise invalid(
            "registration_code",
            "The registration code you provided is invalid or has already been used. "
            "Enter the code displayed on the reader.",
        )
    reader = shape(
        "terminal.reader",
        id=reader_id,
        action=None,
        device_sw_version="2.36.1.0",
        device_type=device_type,
        ip_address="0.0.0.0" if code in SIMULATED_CODES else "192.168.2.2",
        label=params.get("label") or serial,
        location=location_id,
        metadata=metadata(params),
        serial_number=serial,
        status="online",
    )
    return ctx.account.put(reader)


def retrieve_reader(ctx: Ctx, params: Params, reader_id: str) -> Obj:
    allow(params)
    return ctx.account.get("terminal.reader", reader_id)


def update_reader(ctx: Ctx, params: Params, reader_id: str) -> Obj:
    allow(params, "label", "metadata")
    reader = ctx.account.get("terminal.reader", reader_id)
    if params.get("label"):
        reader["label"] = params["label"]
    reader["metadata"] = metadata(params, reader["metadata"])
    return reader


def delete_reader(ctx: Ctx, params: Params, reader_id: str) -> Obj:
    """Unpair a reader; it is gone from the account (its physical code may pair again)."""
    allow(params)
    ctx.account.get("terminal.reader", reader_id)
    del ctx.account.objects["terminal.reader"][reader_id]
    paired: dict[str, str] = ctx.shared.setdefault("codes", {})
    for code in [c for c, r in paired.items() if r == reader_id]:
        del paired[code]
    return {"id": reader_id, "object": "terminal.reader", "deleted": True}


def list_readers(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "location", "status", "device_type", "serial_number")
    filters = {
        k: params[k] for k in ("location", "status", "device_type", "serial_number") if k in params
    }
    return list_objects(
        ctx.account.all("terminal.reader"),
        params,
        "/v1/terminal/readers",
        lambda r: all(r[k] == v for k, v in filters.items()),
    )


def create_connection_token(ctx: Ctx, params: Params) -> Obj:
    allow(params, "location")
    location = params.get("location")
    if location is not None:
        ctx.account.get("terminal.location", location, param="location")
    token = shape("terminal.connection_token", secret=new_id("pst_test", 40))
    if location is not None:
        token["location"] = location
    return token


def _ready_reader(ctx: Ctx, reader_id: str) -> Obj:
    reader = ctx.account.get("terminal.reader", reader_id)
    if reader["status"] != "online":
        raise StripeApiError(
            400,
            "Reader is currently offline, please ensure the reader is powered on and "
            "connected to the internet before retrying your request.",
            code="terminal_reader_offline",
        )
    return reader


def process_payment_intent(ctx: Ctx, params: Params, reader_id: str) -> Obj:
    allow(params, "payment_intent", "process_config")
    pi_id = required_str(params, "payment_intent")
    reader = _ready_reader(ctx, reader_id)
    if reader["action"] is not None and reader["action"]["status"] == "in_progress":
        raise StripeApiError(
            409,
            "Reader is currently busy processing another request. Please reference the "
            "integration guide for more details on how to handle this error.",
            code="terminal_reader_busy",
        )
    pi = ctx.account.get("payment_intent", pi_id, param="payment_intent")
    if "card_present" not in pi["payment_method_types"]:
        raise invalid(
            "payment_intent",
            "The PaymentIntent must include card_present in payment_method_types "
            "to be processed on a reader.",
        )
    if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise unexpected_state("payment_intent", pi_id, pi["status"], "process")
    reader["action"] = {
        "type": "process_payment_intent",
        "status": "in_progress",
        "failure_code": None,
        "failure_message": None,
        "process_payment_intent": {
            "payment_intent": pi_id,
            "process_config": params.get("process_config") or {},
        },
    }
    return reader


def cancel_action(ctx: Ctx, params: Params, reader_id: str) -> Obj:
    allow(params)
    reader = _ready_reader(ctx, reader_id)
    action = reader["action"]
    if action is None or action["status"] != "in_progress":
        raise StripeApiError(400, "This reader has no in-progress action to cancel.")
    fail_action(ctx, reader, "canceled", "The action was canceled.")
    return reader


def fail_action(ctx: Ctx, reader: Obj, code: str, message: str) -> None:
    """End the reader's in-progress action as failed (cancel, timeout, hardware fault)."""
    reader["action"].update(status="failed", failure_code=code, failure_message=message)
    ctx.emit("terminal.reader.action_failed", reader)


def present_payment_method(ctx: Ctx, params: Params, reader_id: str) -> Obj:
    """Test helper: a customer taps a card (Stripe test number) on a simulated reader."""
    allow(params, "type", "card_present", "interac_present", "card", "amount_tip")
    reader = _ready_reader(ctx, reader_id)
    if not reader["device_type"].startswith("simulated_"):
        raise invalid("reader", "This endpoint can only be used with simulated readers.")
    action = reader["action"]
    if action is None or action["status"] != "in_progress":
        raise StripeApiError(
            400, "This reader has no in-progress action to present a payment method to."
        )
    method_type = params.get("type") or "card_present"
    details = params.get(method_type) or {}
    number = str(details.get("number") or cards.DEFAULT_CARD) if isinstance(details, dict) else ""
    outcome = cards.outcome_for(number)
    del number, details  # the number goes no further than the outcome lookup
    pi = ctx.account.get("payment_intent", action["process_payment_intent"]["payment_intent"])
    if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise unexpected_state("payment_intent", pi["id"], pi["status"], "process")
    settle(ctx, pi, "card_present", outcome)
    if outcome.approved:
        action["status"] = "succeeded"
        ctx.emit("terminal.reader.action_succeeded", reader)
    else:
        fail_action(ctx, reader, outcome.code or "card_declined", outcome.message or "")
    return reader


ROUTES = [
    ("POST", r"/v1/terminal/locations", create_location),
    ("GET", r"/v1/terminal/locations", list_locations),
    ("GET", r"/v1/terminal/locations/(?P<id>[^/]+)", retrieve_location),
    ("POST", r"/v1/terminal/locations/(?P<id>[^/]+)", update_location),
    ("POST", r"/v1/terminal/readers", create_reader),
    ("GET", r"/v1/terminal/readers", list_readers),
    ("GET", r"/v1/terminal/readers/(?P<id>[^/]+)", retrieve_reader),
    ("POST", r"/v1/terminal/readers/(?P<id>[^/]+)", update_reader),
    ("DELETE", r"/v1/terminal/readers/(?P<id>[^/]+)", delete_reader),
    ("POST", r"/v1/terminal/readers/(?P<id>[^/]+)/process_payment_intent", process_payment_intent),
    ("POST", r"/v1/terminal/readers/(?P<id>[^/]+)/cancel_action", cancel_action),
    ("POST", r"/v1/terminal/connection_tokens", create_connection_token),
    (
        "POST",
        r"/v1/test_helpers/terminal/readers/(?P<id>[^/]+)/present_payment_method",
        present_payment_method,
    ),
]
