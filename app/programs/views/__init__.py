"""Programs pages, one module per audience."""
