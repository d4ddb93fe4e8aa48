"""The production deployment: the site's description, its secrets, the engines' files
(nginx, systemd, supervisord, Redis, PostgreSQL) and its backups. See docs/operations.md."""
