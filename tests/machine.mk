# tests for src/machine
