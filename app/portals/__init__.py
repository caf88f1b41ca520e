"""Pages per audience that compose several domains."""
