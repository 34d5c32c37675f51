#!/usr/bin/env bash
# Runs the command-line session of README.md exactly as written (the ```sh
# block after the "cli-session" marker) and checks what it prints, as
# readme-curl.sh does for the curl session.
set -euo pipefail
cd "$(dirname "$0")/.."
block=$(awk '/<!-- cli-session/ {found=1; next} found && /^```sh/ {inside=1; next} inside && /^```/ {exit} inside {print}' README.md)
if [ -z "$block" ]; then
	echo "readme-cli: no cli-session block in README.md" >&2
	exit 1
fi
out=$(bash -euo pipefail -c "$block" 2>&1)
printf '%s\n' "$out"
for want in 'not-an-email  refused' '3 rows: 2 registered, 0 already registered' 'exit code 7' 'ada@example.com   Ada' 'alan@example.com  Alan' '"registrantKey": "'; do
	if ! grep -qF -- "$want" <<<"$out"; then
		echo "readme-cli: the session did not print $want" >&2
		exit 1
	fi
done
echo "readme-cli: the README's command-line session works as written"
