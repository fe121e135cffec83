"""Teams: reports, team plans, exports, invitations and reviews."""
