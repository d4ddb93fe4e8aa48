"""Running the system: the embedded Redis, gunicorn settings, migrations and the launcher."""
