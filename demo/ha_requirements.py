"""What a Home Assistant needs installed to start the demo stack, read from its own manifests.

`python -m demo.ha_requirements [--after-dependencies] OUT_DIR`, run with the Python of a virtual
environment that has `homeassistant` installed (scripts/setup does it for .venv and for each
`scripts/compat` one), writes:

- OUT_DIR/requirements.txt: the requirements of the integrations Home Assistant sets up at each
  start (its default integrations, those the demo's configuration.yaml names or sets up as config
  entries (the booking calendar's local_calendar), what the Seam
  integration depends on: `webhook`, and `cloud` after it) and of all their dependencies, with
  requirements_overrides.txt's substitutes put in. With --after-dependencies, also those of
  their after-dependencies (recorder, hassio, bluetooth, ...): all that Home Assistant itself
  installs at its first start, as in a user's new install, with the discovery integrations
  that manifests declare (matter's `zeroconf`); analytics, for one, imports hassio's
  aiohasupervisor. scripts/compat's environments take this; .venv does not, so that
  the versions pytest-homeassistant-custom-component pins for the tests stay as they are;
- OUT_DIR/constraints.txt: Home Assistant's own package_constraints.txt, less the overridden
  packages.

Home Assistant would install these itself at its first start, but the stack runs it with
`--skip-pip` (nothing is installed at run time), and a new release's list differs from the last
(2026.11 added `marketplace`, which needs `aiogithubapi`). Reading it from the installed release
is what lets the suite, or the compatibility smoke, move to another release by changing only
the release's pin.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys

REPO_ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = REPO_ROOT / "requirements_overrides.txt"
SEAM_MANIFEST = REPO_ROOT / "custom_components" / "seam" / "manifest.json"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_TOP_LEVEL_KEY = re.compile(r"^([a-z_]+):", re.MULTILINE)


def requirement_name(line: str) -> str | None:
    """The normalized package name of a requirement line (None for blanks and comments)."""
    match = _NAME.match(line.split("#", 1)[0])
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def read_requirements(path: Path) -> dict[str, str]:
    """Requirement lines of a file by package name (comments and blanks left out)."""
    lines: dict[str, str] = {}
    for line in path.read_text().splitlines():
        name = requirement_name(line)
        if name is not None:
            lines[name] = line.split("#", 1)[0].strip()
    return lines


def startup_domains() -> set[str]:
    """The integrations the demo's Home Assistant sets up, before their dependencies."""
    # Imported here: the module must load in a venv whatever its Home Assistant version.
    from homeassistant import bootstrap  # noqa: PLC0415
    from homeassistant.const import BASE_PLATFORMS  # noqa: PLC0415

    from .stack import CONFIG_ENTRY_INTEGRATIONS, CONFIGURATION_YAML  # noqa: PLC0415

    seam = json.loads(SEAM_MANIFEST.read_text())
    return {
        *bootstrap.CORE_INTEGRATIONS,
        *bootstrap.DEFAULT_INTEGRATIONS,
        *BASE_PLATFORMS,  # bootstrap processes them all, whether set up or not
        *_TOP_LEVEL_KEY.findall(CONFIGURATION_YAML),  # frontend, config, logger
        *CONFIG_ENTRY_INTEGRATIONS,  # local_calendar, for booking codes
        *seam.get("dependencies", []),
        *seam.get("after_dependencies", []),
    }


def startup_requirements(
    components_dir: Path, domains: set[str], *, after_dependencies: bool
) -> dict[str, str]:
    """The requirements of `domains` and of all they depend on, by package name."""
    requirements: dict[str, str] = {}
    seen: set[str] = set()
    todo = sorted(domains)
    while todo:
        domain = todo.pop()
        manifest_path = components_dir / domain / "manifest.json"
        if domain in seen or not manifest_path.is_file():
            continue
        seen.add(domain)
        manifest = json.loads(manifest_path.read_text())
        todo.extend(manifest.get("dependencies", []))
        if after_dependencies:
            todo.extend(manifest.get("after_dependencies", []))
            # As Home Assistant's requirements manager does: a manifest that declares how it is
            # discovered (a `zeroconf` or `homekit` key, ...) gets that discovery's requirements.
            from homeassistant.requirements import DISCOVERY_INTEGRATIONS  # noqa: PLC0415

            todo.extend(
                discovery
                for discovery, keys in DISCOVERY_INTEGRATIONS.items()
                if any(key in manifest for key in keys)
            )
        for line in manifest.get("requirements", []):
            name = requirement_name(line)
            if name is not None:
                requirements[name] = line
    return requirements


def main(argv: list[str]) -> int:
    """Write requirements.txt and constraints.txt into the folder given."""
    args = [a for a in argv if a != "--after-dependencies"]
    if len(args) != 1:
        sys.stderr.write(__doc__ or "")
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    import homeassistant  # noqa: PLC0415

    package_dir = Path(homeassistant.__file__).parent
    overrides = read_requirements(OVERRIDES)
    requirements = startup_requirements(
        package_dir / "components",
        startup_domains(),
        after_dependencies="--after-dependencies" in argv,
    )
    requirements |= {name: line for name, line in overrides.items() if name in requirements}
    constraints = package_dir / "package_constraints.txt"
    kept = [
        line
        for line in constraints.read_text().splitlines()
        if requirement_name(line) not in overrides
    ]
    (out / "requirements.txt").write_text("".join(f"{r}\n" for r in sorted(requirements.values())))
    (out / "constraints.txt").write_text("".join(f"{line}\n" for line in kept))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
