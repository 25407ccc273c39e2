# src/conf: schema validation and semantic checks
