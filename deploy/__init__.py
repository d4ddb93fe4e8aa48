"""Running the system: the embedded Redis, gunicorn settings, the Procfile and its launcher."""
