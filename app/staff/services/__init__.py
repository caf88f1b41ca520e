"""Staff operations, one module per part: `availability` (blocks,
exceptions, free 1:1 slots and booking one), `leave` (requests, decisions,
cover) and `pay` (rates, statements, exports)."""
