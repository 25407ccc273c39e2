# src/hw: see ARCHITECTURE.md
