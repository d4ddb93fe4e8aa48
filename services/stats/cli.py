"""`flask --app services.stats:create_app stats rebuild`: rebuild the figures, with progress."""

import click
from flask.cli import AppGroup

from services.stats.jobs import rebuild

stats_cli = AppGroup("stats", help="The rollups behind the figures.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Read every feed from zero into a fresh key space and swap it in."""
    bars = {}

    def progress(source, seq, last_seq):
        if source not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[source] = click.progressbar(length=max(last_seq, 1), label=f"{source:<14}")
            bars[source].__enter__()
        bar = bars[source]
        bar.update(seq - bar.pos)

    ns = rebuild(on_progress=progress)
    for bar in bars.values():
        bar.render_finish()
    click.echo(f"rebuilt: namespace {ns}")
