#!/usr/bin/env bash
# Install everything the tests need on Debian 12 (idempotent: skips what is present), then run
# the whole suite. Usage: bash tests/run.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# GL (Mesa llvmpipe through EGL), fonts, what a real PyQt6 window needs under Xvfb, and
# pdftoppm (poppler-utils), which the plot tests open exported PDFs with.
DEBIAN_PACKAGES=(libfontconfig1 libgl1 libegl1 xvfb xauth libglib2.0-0 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 fonts-dejavu-core
  poppler-utils)
PYTHON=${PYTHON:-python3}
# Debian's own python3 needs python3-venv for "python3 -m venv".
"$PYTHON" -c "import ensurepip" 2>/dev/null || DEBIAN_PACKAGES+=(python3-venv)
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# The layer rules ([tool.importlinter] in pyproject.toml) are checked on the import graph first.
.venv/bin/lint-imports

export EGL_PLATFORM=surfaceless
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-repeatable}"
unset QT_QPA_PLATFORM
# The GL-free tiers and the EGL pixel tests share one process; the Qt window tests need a
# display (Xvfb) and vispy's PyQt6 backend, which cannot live beside EGL in one process.
.venv/bin/python -m pytest -m "not qt" "$@"
xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -m qt "$@"
