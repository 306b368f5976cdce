"""Static web pages served by the API."""
