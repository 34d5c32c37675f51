#!/usr/bin/env bash
# The breaking-change gate (make breaking): compares the spec and the Go API
# of the packages users import with a base revision, and fails on a breaking
# change that the changelog does not acknowledge.
#
#   BASE=<rev> scripts/breaking.sh     # any git revision
#
# The base, unless BASE is given: the newest v* tag reachable from HEAD; with
# no tag yet, the commit in api/compat-base (the last state users may have
# built on; see CONTRIBUTING.md for when it moves). A submission of several
# commits is compared as a whole, never commit by commit.
#
# Acknowledging: a breaking change passes when the changelog's Unreleased
# section has a "### Breaking" entry that names it in backticks: the Go
# identifier apidiff names (e.g. `WithRateLimit`, `TrainingsService.Start`),
# or, for the spec, the oasdiff rule id together with the operation's path
# (e.g. `api-path-removed-without-deprecation` ... `/trainings/{trainingKey}/start`).
#
# Not compared: package gen and Client.Raw(), which follow the spec and carry
# no compatibility promise (README, CHANGELOG).
set -euo pipefail
cd "$(dirname "$0")/.."

oasdiff=$(realpath "${OASDIFF:-.cache/bin/oasdiff}")
apidiff=$(realpath "${APIDIFF:-.cache/bin/apidiff}")
module=github.com/gototraining-go/gototraining
packages=(gototraining gototraining/gototrainingtest)

base=${BASE:-}
how="BASE"
if [ -z "$base" ]; then
	if base=$(git describe --tags --abbrev=0 --match 'v*' HEAD 2>/dev/null); then
		how="the newest release tag"
	else
		base=$(sed -n '/^[0-9a-f]\{40\}$/p' api/compat-base | head -n 1)
		how="api/compat-base"
	fi
fi
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
	echo "breaking: base $base ($how) is not a commit of this clone" >&2
	exit 1
fi
echo "breaking: comparing the working tree with $(git rev-parse --short "$base") ($how)"

work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --quiet --detach "$work/base" "$base"

# The Unreleased section of the changelog, up to the next release heading.
unreleased=$(awk '/^## \[Unreleased\]/{on=1; next} /^## /{on=0} on' CHANGELOG.md)
breaking_notes=$(printf '%s\n' "$unreleased" | awk '/^### Breaking/{on=1; next} /^### /{on=0} on')
acknowledged() { # every argument must appear in backticks in the Breaking notes
	local word
	for word in "$@"; do
		grep -qF -- "\`$word\`" <<<"$breaking_notes" || return 1
	done
}

failed=0

# The spec.
if [ -f "$work/base/api/openapi.yaml" ]; then
	spec_out=$("$oasdiff" breaking "$work/base/api/openapi.yaml" api/openapi.yaml --fail-on ERR --format singleline 2>&1) && spec_rc=0 || spec_rc=$?
	if [ -n "$spec_out" ]; then
		printf 'spec changes oasdiff reports:\n%s\n' "$spec_out"
	fi
	if [ "$spec_rc" -ne 0 ]; then
		while IFS= read -r line; do
			case "$line" in error*) ;; *) continue ;; esac
			rule=$(sed -n 's/.*\[\([a-z0-9-]*\)\][. ]*$/\1/p' <<<"$line")
			path=$(grep -oE 'API [A-Z]+ /[^ ]*' <<<"$line" | awk '{print $3}' | head -n 1)
			if acknowledged "$rule" "$path"; then
				echo "breaking: acknowledged in CHANGELOG.md: $rule $path"
			else
				echo "breaking: the spec change [$rule] at $path breaks clients; acknowledge it under \"### Breaking\" in CHANGELOG.md's Unreleased section, naming \`$rule\` and \`$path\`" >&2
				failed=1
			fi
		done <<<"$spec_out"
	fi
fi

# The Go API of the packages users import.
for pkg in "${packages[@]}"; do
	if [ ! -d "$work/base/$pkg" ]; then
		echo "breaking: $pkg is new since the base"
		continue
	fi
	(cd "$work/base" && GOFLAGS=-mod=mod "$apidiff" -w "$work/export" "$module/$pkg")
	report=$("$apidiff" -incompatible "$work/export" "$module/$pkg")
	while IFS= read -r line; do
		case "$line" in "- "*) ;; *) continue ;; esac
		ident=${line#- }
		ident=${ident%%:*}
		case "$ident" in
		*"Client).Raw"* | *"Client.Raw"* | *"/gen."*) continue ;; # no promise: see above
		esac
		short=${ident#\(}
		short=${short//\*/}
		short=${short//)/}
		if acknowledged "$short" || acknowledged "$ident"; then
			echo "breaking: acknowledged in CHANGELOG.md: $pkg: $ident"
		else
			echo "breaking: $pkg: ${line#- }; acknowledge it under \"### Breaking\" in CHANGELOG.md's Unreleased section, naming \`$short\`" >&2
			failed=1
		fi
	done <<<"$report"
done

if [ "$failed" -ne 0 ]; then
	exit 1
fi
echo "breaking: no unacknowledged breaking change"
