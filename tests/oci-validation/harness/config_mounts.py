"""config.md mounts."""
