# src/conf: see ARCHITECTURE.md
