"""QuickBooks Online: OAuth 2.0 connect per tenant, finalized sales pushed exactly once.

``settings`` (env), ``state`` (signed OAuth state), ``oauth`` (Intuit's token endpoints),
``api`` (the Accounting API), ``tokens`` (stored connection, refresh), ``mapping`` (invoice →
SalesReceipt/Invoice, cents → decimals), ``push`` (the job), ``router`` (HTTP). See
docs/integrations.md, "QuickBooks Online".
"""
