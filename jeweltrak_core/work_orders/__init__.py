"""Work order rules: the repair/custom board, warranty, and board ordering."""
