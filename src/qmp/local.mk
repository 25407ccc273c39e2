# src/qmp: see ARCHITECTURE.md
