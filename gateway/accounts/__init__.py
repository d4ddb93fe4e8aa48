"""Identity: accounts, passwords, tokens and their lifecycle, owned by the gateway."""
