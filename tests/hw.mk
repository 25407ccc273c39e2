# tests for hw
