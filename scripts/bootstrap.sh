#!/usr/bin/env bash
# Create, or reuse, the virtual environment for the current dependency lock and link it as .venv.
#
# Venvs live in $PUENTE_CACHE/venvs/<hash of requirements.lock + python version>, so a fresh clone with an
# unchanged lock starts in seconds, and uv's download cache keeps re-creation cheap after a lock change.
# The project itself is not installed into the shared venv (it would point at one clone); scripts put
# the checkout on PYTHONPATH instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
CACHE="${PUENTE_CACHE:-$HOME/.cache/puente}"

"$PYTHON" - <<'PY' || { echo "Puente needs Python 3.11 or newer (set PYTHON=...)" >&2; exit 2; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if ! command -v uv >/dev/null 2>&1; then
  echo "installing uv (fast, lock-exact installs) with pip" >&2
  "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
fi
UV="$(command -v uv || echo "$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/uv")"

key="$( (cat requirements.lock; "$PYTHON" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)"
venv="$CACHE/venvs/$key"
mkdir -p "$CACHE/venvs"
(
  flock 9
  if [ ! -f "$venv/.complete" ]; then
    echo "creating the virtual environment $venv" >&2
    rm -rf "$venv"
    "$UV" venv --quiet --python "$PYTHON" "$venv"
    "$UV" pip sync --quiet --python "$venv/bin/python" requirements.lock
    touch "$venv/.complete"
  fi
) 9>"$CACHE/venvs/.lock"

if [ "$(readlink .venv 2>/dev/null || true)" != "$venv" ]; then
  rm -rf .venv
  ln -s "$venv" .venv
fi
echo "$venv"
