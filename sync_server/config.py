"""Service settings from the environment (``JEWELTRAK_*``), refusing unsafe defaults.

Outside development the service will not start with the development secret or without a
database URL: a forgotten setting must fail loudly at boot, not run with a guessable key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-change-me"


def default_data_dir() -> Path:
    """Where the embedded PostgreSQL keeps its files (the user's data directory)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("jeweltrak-sync", "JewelTrak"))


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="JEWELTRAK_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    #: ``postgresql+psycopg://...``; empty means "start the embedded PostgreSQL".
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    data_dir: Path = Field(default_factory=default_data_dir)
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    host: str = "127.0.0.1"
    port: int = 8765
    #: Largest push batch, in operations (bigger → 413).
    max_batch_ops: int = 500
    #: Largest request body in bytes (bigger → 413).
    max_body_bytes: int = 8 * 1024 * 1024
    pull_page_limit: int = 1000
    long_poll_max_seconds: float = 30.0
    #: Change-log entries older than this are pruned; older cursors get 410.
    change_retention_days: int = 30
    session_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    #: Owner signups (each creates a tenant schema and role) one client address may start
    #: per signup window, failed ones included; IPv6 clients count by their /64.
    signup_max_per_ip: int = Field(default=5, ge=1)
    #: Tenants the whole service creates by signup per signup window (every process).
    signup_max_tenants: int = Field(default=60, ge=1)
    signup_window_minutes: int = Field(default=60, ge=1)
    #: Clients whose operation format is older than this get 426.
    min_client_schema_version: int = 1
    pool_size: int = 10
    #: Stripe (Connect platform). Secrets come from the environment and are never logged.
    stripe_secret_key: SecretStr = SecretStr("")
    stripe_webhook_secret: SecretStr = SecretStr("")
    #: Where stripe-python sends API calls (the simulator's URL in tests).
    stripe_api_base: str = "https://api.stripe.com"
    #: Connect events whose ``livemode`` differs from this are ignored.
    stripe_livemode: bool = False
    #: Resend (payment-link and document e-mails).
    resend_api_key: SecretStr = SecretStr("")
    resend_api_base: str = "https://api.resend.com"
    email_from: str = "JewelTrak <receipts@jeweltrak.example>"
    #: The service's public URL (Stripe onboarding return/refresh links point here).
    public_base_url: str = "http://127.0.0.1:8765"

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.environment == "production":
            if self.secret_key.get_secret_value() == DEV_SECRET:
                raise ValueError("JEWELTRAK_SECRET_KEY must be set outside development.")
            if len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("JEWELTRAK_SECRET_KEY must be at least 32 characters.")
            if not self.database_url:
                raise ValueError("DATABASE_URL must be set in production.")
        return self
