"""People: accounts, roles, invitations, sign-in, password reset, profiles."""
