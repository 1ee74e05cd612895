"""Queries and commands the routes call; they use the models and the domain rules."""
