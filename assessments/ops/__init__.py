"""Operations: backup and restore, demo data."""
