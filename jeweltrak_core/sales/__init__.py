"""Sales rules: invoice lines, sales tax, totals, and the invoice life cycle."""
