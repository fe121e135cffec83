"""Accounts: sign-up, profile, two-factor sign-in, sessions and the security log."""
