"""Who someone is and what they may see, below every feature: access (the one place
that decides who may see which object), roles (who a person is for this request), the
audit log, two-factor sign-in, re-authentication, what a timed-out form kept, and the
session middleware. Nothing here imports a feature package (accounts, ratings, plans,
teams, portfolio, ops): tests/test_layers.py checks it."""
