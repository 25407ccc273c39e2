# src/machine: see ARCHITECTURE.md
