"""Search backend implementations."""
