"""Programs operations: each is one transaction with its checks."""
