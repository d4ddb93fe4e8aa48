"""The project's common library: what every service needs once, and no business rules."""
