"""One place mapping error codes to HTTP statuses; every error body says what to do.

Bodies are ``{"error": {"code": ..., "message": ..., "details": ...}}``. The message is a
sentence a clerk or an integrator can act on; nothing here echoes secrets or request bodies.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jeweltrak_core.errors import JewelTrakError


class ServiceError(Exception):
    """An error the service answers with a specific HTTP status."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.details = details


STATUS_BY_CODE: dict[str, int] = {
    "invalid_input": 422,
    "validation_error": 422,
    "invalid_money": 422,
    "not_found": 404,
    "duplicate": 409,
    "illegal_transition": 409,
    "conflict": 409,
    "permission_denied": 403,
    "unsupported_operation": 422,
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON error envelope."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | bool | None) else str(v) for k, v in details.items()}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: service errors, core rule errors, validation, HTTP errors."""

    @app.exception_handler(ServiceError)
    async def _service(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, _json_safe(exc.details)),
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(JewelTrakError)
    async def _core(_: Request, exc: JewelTrakError) -> JSONResponse:
        code = getattr(exc, "code", "validation_error")
        details = _json_safe(dict(getattr(exc, "details", {}) or {}))
        return JSONResponse(
            error_body(code, str(exc), details), status_code=STATUS_BY_CODE.get(code, 422)
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "where": ".".join(str(p) for p in err.get("loc", ())),
                "problem": str(err.get("msg", "invalid")),
            }
            for err in exc.errors()
        ]
        first = problems[0] if problems else {"where": "body", "problem": "invalid"}
        return JSONResponse(
            {
                "error": {
                    "code": "validation_error",
                    "message": f"Invalid request: {first['where']}: {first['problem']}.",
                    "details": {"problems": problems},
                }
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return JSONResponse(
            error_body(f"http_{exc.status_code}", message),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
