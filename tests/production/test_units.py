"""The systemd units `render` writes are ones systemd accepts (`systemd-analyze verify`:
every directive known, every value parsed, every command present), for each replica and
worker of the description. CI has no systemd running; supervisord runs the same processes
in test_market_day.py."""

import subprocess

from deploy.production import render, topology


def test_systemd_accepts_every_unit_of_the_site(tmp_path):
    site = topology.site({"PUFA_ETC": str(tmp_path / "etc"), "PUFA_STATE": str(tmp_path)})
    units = tmp_path / "units"
    units.mkdir()
    files = render.rendered_files(site)
    for relative, text in files.items():
        if relative.startswith("systemd/"):
            (units / relative.removeprefix("systemd/")).write_text(text)
    for program in topology.programs(site):  # each instance, as pufa.target starts them
        template = units / f"pufa-{program.component}@.service"
        (units / render.unit_name(program)).write_text(template.read_text())
    (site.etc).mkdir(parents=True)
    for identity in topology.IDENTITIES:
        (site.etc / f"{identity}.env").write_text("ENV=production\n")
    names = ["pufa.target", "pufa-migrate.service"]
    names += [render.unit_name(program) for program in topology.programs(site)]
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(units / name) for name in names)],
        capture_output=True,
        text=True,
    )
    complaints = [
        line
        for line in (verified.stdout + verified.stderr).splitlines()
        # users are created by the runbook's step 1, not on this machine
        if "pufa-" not in line or "user" not in line.lower()
    ]
    assert verified.returncode == 0 and complaints == [], complaints
