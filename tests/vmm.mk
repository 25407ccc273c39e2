# tests for src/vmm
