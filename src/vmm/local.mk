# src/vmm: see ARCHITECTURE.md
