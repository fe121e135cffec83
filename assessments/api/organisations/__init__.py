"""/api/v1/organisations/...: what an organisation's training lead may read and write,
with her session or an organisation API key."""
