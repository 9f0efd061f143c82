"""Models: see SPEC §2."""
