# tests for validate
