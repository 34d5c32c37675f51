#!/usr/bin/env bash
# Runs the curl session of README.md exactly as written (the ```sh block
# after the "curl-session" marker) and checks what it prints: the README
# promises a session that works, so CI proves it.
set -euo pipefail
cd "$(dirname "$0")/.."
block=$(awk '/<!-- curl-session/ {found=1; next} found && /^```sh/ {inside=1; next} inside && /^```/ {exit} inside {print}' README.md)
if [ -z "$block" ]; then
	echo "readme-curl: no curl-session block in README.md" >&2
	exit 1
fi
out=$(bash -euo pipefail -c "$block" 2>&1)
printf '%s\n' "$out"
for want in '"trainingKey":"' '"name":"Intro to Go"' ' -> 201' '"errorCode":"DuplicateRegistrant"' ' -> 409'; do
	if ! grep -qF -- "$want" <<<"$out"; then
		echo "readme-curl: the session did not print $want" >&2
		exit 1
	fi
done
echo "readme-curl: the README's curl session works as written"
