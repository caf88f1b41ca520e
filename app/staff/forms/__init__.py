"""Staff forms, one module per part (`availability`, `leave`, `pay`)."""
