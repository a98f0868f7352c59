#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The library reads its environment only through env_get (src/env.c), which
# ignores it in privileged programs. Fails when any other file of src/
# calls getenv, secure_getenv or touches environ.
# Usage: no_plain_getenv.sh <src dir>
set -euo pipefail
src=${1:?usage: no_plain_getenv.sh <src dir>}

pattern='(?<![A-Za-z0-9_])(getenv|secure_getenv|__secure_getenv)\s*\(|(?<![A-Za-z0-9_])environ(?![A-Za-z0-9_])'

# every match outside the one helper
scan() {
	grep -rnP --include='*.[ch]' "$pattern" "$1" |
		grep -v "^$1/env\.c:" || true
}

# the scan itself must see a call (a check that cannot fail proves nothing)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'const char *v = getenv ("X");\n' >"$probe/bad.c"
printf 'const char *v = secure_getenv("X");\n' >"$probe/env.c"
if [ "$(scan "$probe" | wc -l)" -ne 1 ]; then
	echo "no_plain_getenv.sh: the scan missed a planted getenv call" >&2
	exit 1
fi

found=$(scan "$src")
if [ -n "$found" ]; then
	echo "the environment read outside env_get (src/env.c):" >&2
	echo "$found" >&2
	exit 1
fi
if ! grep -q 'secure_getenv' "$src/env.c"; then
	echo "src/env.c does not read through secure_getenv" >&2
	exit 1
fi
echo "src/: the environment is read only through env_get (secure_getenv)"
