# src/kvm: see ARCHITECTURE.md
