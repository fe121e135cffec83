"""Gaps, what could be bought to close them, and the best set to buy."""
