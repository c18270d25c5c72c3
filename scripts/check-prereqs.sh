#!/usr/bin/env bash
# Stops with one line when a prerequisite is missing or too old.
fail() { echo "prerequisite: $1" >&2; exit 1; }
command -v node >/dev/null || fail "node is missing: install Node.js 20 or newer"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
  || fail "node $(node --version) is too old: Node.js 20 or newer is needed"
command -v npm >/dev/null || fail "npm is missing: install npm (it comes with Node.js 20 or newer)"
command -v python3 >/dev/null || fail "python3 is missing: install Python 3.10 or newer"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "python3 $(python3 -c 'import platform; print(platform.python_version())') is too old: Python 3.10 or newer is needed"
python3 -c 'import venv, ensurepip' 2>/dev/null \
  || fail "python3 cannot create virtual environments: install the venv module (Debian: apt-get install python3-venv)"
exit 0
