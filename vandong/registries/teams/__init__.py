"""Models and teams (learning models, culture and art teams, mediation teams,
security models): services, queries, sync into the commune elements, pages,
API, XLSX. `shared` holds what the OCOP and conference registries use too."""
