"""Payment rules: tenders, cash change, overpayment, and refund limits."""
