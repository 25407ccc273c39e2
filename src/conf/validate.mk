# src/conf: schema validation and semantic checks
dist_schema_DATA += schemas/domain.rng
EXTRA_DIST += domains
