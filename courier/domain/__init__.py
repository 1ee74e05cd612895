"""Domain rules in plain Python: nothing here knows about HTTP requests."""
