"""Card payments and e-mail at the counter: charge on the reader, refunds, readers, e-mail."""
