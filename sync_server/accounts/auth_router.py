"""HTTP endpoints of signup, sign-in, sign-out and "who am I"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from sync_server.accounts import auth_service, rate_limit
from sync_server.accounts.schemas import (
    LoginRequest,
    MeResponse,
    SessionResponse,
    SignupRequest,
)
from sync_server.auth.secrets import USER_TOKEN_PREFIX
from sync_server.deps import CurrentUser, EngineDep, SettingsDep, bearer_token

router = APIRouter(prefix="/v1/auth", tags=["auth"])

#: Responses that carry a credential must not be kept by any cache on the way.
NO_STORE = {"Cache-Control": "no-store"}

#: Signup reads its body itself (see ``signup``); the document still describes it.
_SIGNUP_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": SignupRequest.model_json_schema()}},
    }
}
_SIGNUP_ANSWERS: dict[int | str, dict[str, Any]] = {
    409: {"description": "The e-mail address already signs in somewhere."},
    422: {"description": "Invalid body (counts toward the client's signup limit)."},
    429: {"description": "Too many signups from this address, or new businesses paused "
                         "service-wide; Retry-After says when to try again."},
}


def client_ip(request: Request) -> str:
    """The connection's peer address (the limits count per address)."""
    return request.client.host if request.client else "unknown"


async def _raw_body(request: Request) -> bytes:
    return await request.body()


def _signup_request(raw: bytes) -> SignupRequest:
    """The body as a ``SignupRequest``; errors in the framework's own 422 envelope."""
    if not raw.strip():
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return SignupRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from None


@router.post(
    "/signup",
    status_code=201,
    response_model=SessionResponse,
    responses=_SIGNUP_ANSWERS,
    openapi_extra=_SIGNUP_BODY,
)
def signup(
    raw: Annotated[bytes, Depends(_raw_body)],
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> SessionResponse:
    """Open a business: its owner, the owner's permission group, and a session.

    The client's signup slot is taken before the body is validated, so bad input counts
    toward the limit like any attempt (429 with ``Retry-After`` past it).
    """
    attempt = rate_limit.reserve_signup(engine, settings, ip=client_ip(request))
    body = _signup_request(raw)
    issued = auth_service.signup(
        engine,
        settings,
        attempt=attempt,
        name=body.name,
        business_name=body.business_name,
        email=body.email,
        password=body.password,
    )
    response.headers.update(NO_STORE)
    return SessionResponse.of(issued)


@router.post("/login", response_model=SessionResponse)
def login(
    body: LoginRequest,
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> SessionResponse:
    """A session token for the right e-mail and password (rate-limited: 429)."""
    issued = auth_service.login(
        engine, settings, email=body.email, password=body.password, ip=client_ip(request)
    )
    response.headers.update(NO_STORE)
    return SessionResponse.of(issued)


@router.post("/logout", status_code=204)
def logout(
    caller: CurrentUser, request: Request, engine: EngineDep, settings: SettingsDep
) -> Response:
    """End this session; its token stops working at once."""
    auth_service.logout(engine, settings, bearer_token(request, USER_TOKEN_PREFIX))
    return Response(status_code=204)


@router.get("/me", response_model=MeResponse)
def me(caller: CurrentUser, engine: EngineDep) -> MeResponse:
    """The signed-in person, the business, their effective permissions and the stores."""
    return MeResponse.of(auth_service.profile(engine, caller))
