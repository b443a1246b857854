"""Card payments through Stripe Connect: onboarding, Terminal readers, refunds, disputes, links."""
