# tests for src/conf
