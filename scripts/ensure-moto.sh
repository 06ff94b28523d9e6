#!/usr/bin/env bash
# Makes moto's server available for the integration tests without touching the system Python:
# creates .venv-moto/ at the repository root (python3 -m venv) and installs moto[server] there.
# Prints the venv's python interpreter on the last line of stdout. Safe to run again: an existing
# venv with the right moto is reused.
set -euo pipefail

MOTO_VERSION="${SNAILTRAIL_MOTO_VERSION:-5.2.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-moto"
python="$venv/bin/python"

if [ -x "$python" ] && "$python" -c "import moto, moto.server, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "ensure-moto: moto $MOTO_VERSION already installed in $venv" >&2
  echo "$python"
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "ensure-moto: python3 is not installed, so moto's server cannot be set up." >&2
  echo "  Install Python 3.9+ with venv support (e.g. 'apt-get install python3 python3-venv')," >&2
  echo "  or install moto yourself ('pipx install \"moto[server]==$MOTO_VERSION\"') so moto_server is on PATH." >&2
  exit 1
fi

echo "ensure-moto: creating $venv with $(python3 --version 2>&1)" >&2
if ! python3 -m venv "$venv" >&2; then
  echo "ensure-moto: 'python3 -m venv' failed; install the venv module (e.g. 'apt-get install python3-venv')." >&2
  exit 1
fi

echo "ensure-moto: installing moto[server]==$MOTO_VERSION (needs access to PyPI or a pip mirror)" >&2
if ! "$python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2; then
  echo "ensure-moto: pip could not install moto[server]==$MOTO_VERSION into $venv." >&2
  echo "  Check network access to PyPI (or set PIP_INDEX_URL), then run $0 again." >&2
  exit 1
fi

echo "ensure-moto: moto $MOTO_VERSION installed in $venv" >&2
echo "$python"
