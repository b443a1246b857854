"""A stateful Stripe simulator that the real ``stripe`` library talks to over loopback."""

from .errors import StripeApiError
from .simulator import DEFAULT_WEBHOOK_SECRET, StripeSimulator
from .webhooks import Delivery

__all__ = ["DEFAULT_WEBHOOK_SECRET", "Delivery", "StripeApiError", "StripeSimulator"]
