"""Staff reads, one module per part (`availability`, `leave`, `pay`)."""
