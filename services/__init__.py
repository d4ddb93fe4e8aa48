"""The recording and reading services, each a Flask app with its own data."""
