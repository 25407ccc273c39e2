# tests for src/cli
