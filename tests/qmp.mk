# tests for src/qmp
