"""Blueprints, one per audience: auth, courier, dispatch, citizen, api (and pwa for root files)."""
