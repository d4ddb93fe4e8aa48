"""`python -m deploy.production COMMAND [--site site.env]`: an operator's tools (see
docs/operations.md).

  secrets   write (or complete) the environment files, Redis users and PostgreSQL roles
  render    write nginx's, systemd's, supervisord's and Redis's files from the description
  backup    dump every database into a folder (pg_dump, custom format)
  restore   load such a folder into empty databases (pg_restore)
"""

import argparse
import sys
from pathlib import Path

from deploy.production import backup, render, secrets, topology


def main(argv=None):
    """Run one of the commands on the site described by --site (or the environment)."""
    parser = argparse.ArgumentParser(prog="python -m deploy.production")
    parser.add_argument("command", choices=["secrets", "render", "backup", "restore"])
    parser.add_argument("--site", help="the site's settings (KEY=value lines)")
    parser.add_argument("--folder", help="backup/restore: the folder of the dumps")
    parser.add_argument("--nginx-user", help="render: the user nginx's workers run as")
    arguments = parser.parse_args(argv)
    site = topology.site(topology.read_site_file(arguments.site) if arguments.site else None)
    if arguments.command == "secrets":
        for name in secrets.write_secrets(site):
            print(f"  {site.etc / name}")
    elif arguments.command == "render":
        for path in render.render(site, arguments.nginx_user):
            print(f"  {path}")
    elif arguments.command == "backup":
        for line in backup.back_up(site, Path(arguments.folder or "pufa-backup")):
            print(f"  {line}")
    else:
        if not arguments.folder:
            parser.error("restore needs --folder")
        for line in backup.restore(site, Path(arguments.folder)):
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
