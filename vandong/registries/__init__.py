"""Registries: records of things behind the campaign's yearly figures
(contributions, OCOP products, models and teams, dialogue conferences)."""
