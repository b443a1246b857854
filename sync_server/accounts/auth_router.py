"""HTTP endpoints of signup, sign-in, sign-out and "who am I"."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sync_server.accounts import auth_service
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


@router.post("/signup", status_code=201, response_model=SessionResponse)
def signup(
    body: SignupRequest, engine: EngineDep, settings: SettingsDep, response: Response
) -> SessionResponse:
    """Open a business: its owner, the owner's permission group, and a session."""
    issued = auth_service.signup(
        engine,
        settings,
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
    ip = request.client.host if request.client else "unknown"
    issued = auth_service.login(
        engine, settings, email=body.email, password=body.password, ip=ip
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
