"""Registry commands: `flask --app services.registry:create_app registry load-moyu`."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from services.registry.models import Village
from services.registry.service import load_directory
from shared.db import get_db
from shared.errors import ApiError

registry_cli = AppGroup("registry", help="Load and check the registry.")
MOYU_DATA = Path(__file__).parent / "data"


@registry_cli.command("load-moyu")
@click.option("--folder", default=str(MOYU_DATA), show_default=True, type=click.Path(exists=True))
@click.option(
    "--if-empty", is_flag=True, help="Only into an empty registry: never over what users kept."
)
def load_moyu(folder, if_empty):
    """Load the Moyu registry (16 townships, 324 villages, 324 advisors); safe to repeat."""
    session = get_db().session
    villages = session.scalar(sa.select(sa.func.count()).select_from(Village))
    if if_empty and villages:
        click.echo(f"  registry     already holds {villages} villages: left as the users keep it")
        return
    try:
        reports = load_directory(session, folder)
    except ApiError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.message} {exc.fields or ''}") from None
    for report in reports:
        click.echo(
            f"  {report['kind']:<12} {report['rows']:>4} rows: {report.get('created', 0)} created, "
            f"{report.get('updated', 0)} updated, {report.get('unchanged', 0)} unchanged"
        )
