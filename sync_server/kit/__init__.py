"""Building blocks the admin API's domains share: input types, entity docs, transactions."""
