"""QuickBooks settings from the environment (``JEWELTRAK_QBO_*``); secrets never logged."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SCOPE = "com.intuit.quickbooks.accounting"


class QuickBooksSettings(BaseSettings):
    """Intuit app credentials and endpoints (tests point the endpoints at the simulator)."""

    model_config = SettingsConfigDict(env_prefix="JEWELTRAK_QBO_", extra="ignore")

    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    #: Where Intuit sends the owner back; empty → ``{public_base_url}/v1/integrations/
    #: quickbooks/callback``. It must be registered on the Intuit app exactly.
    redirect_uri: str = ""
    authorize_url: str = "https://appcenter.intuit.com/connect/oauth2"
    token_url: str = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    revoke_url: str = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
    #: Production; the sandbox is ``https://sandbox-quickbooks.api.intuit.com``.
    api_base: str = "https://quickbooks.api.intuit.com"
    minor_version: int = 75
    #: How long an owner has to finish Intuit's consent screen.
    state_seconds: int = Field(default=600, ge=30, le=3600)
    #: An access token that expires within this is refreshed before a call.
    refresh_margin_seconds: int = Field(default=300, ge=0, le=3000)
    timeout_seconds: float = Field(default=30.0, gt=0)
    #: Invoices pushed per run at most (a run resumes where the last one stopped).
    push_batch: int = Field(default=200, ge=1, le=5000)
    #: The QuickBooks Item every sale line books to (the app needs one; "1" is the
    #: "Services" item of a new company). An owner can override it per connection in
    #: the connection's settings (``item_ref``).
    default_item_ref: str = "1"

    @property
    def configured(self) -> bool:
        """Client ID and secret are set."""
        return bool(self.client_id and self.client_secret.get_secret_value())
