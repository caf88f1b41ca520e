"""Shared kernel: base model, transactions, jobs, audit, permissions, i18n."""
