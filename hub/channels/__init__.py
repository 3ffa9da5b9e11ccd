"""The company's own social accounts: what each is for, who looks after it, its health, closing it."""
