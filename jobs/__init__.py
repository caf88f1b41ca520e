"""RQ job functions: thin wrappers that load ids and call services."""
