#!/usr/bin/env bash
# Formats the C++ sources of src/, tests/ and tools/ with the repository's .clang-format.
#   tools/format.sh          rewrite the files in place
#   tools/format.sh --check  change nothing; list the files that are not formatted, exit 1 if any
# CI (tools/test.sh) runs the check before building.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: tools/format.sh [--check]" >&2; exit 2 ;;
esac
formatter=$(command -v clang-format || command -v clang-format-14 || true)
if [[ -z "$formatter" ]]; then
  echo "format.sh: clang-format not found (apt-get install clang-format)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files -- 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'tools/*.cpp' 'tools/*.hpp')
if ((check == 0)); then
  "$formatter" -i --style=file "${files[@]}"
  exit 0
fi
unformatted=0
for f in "${files[@]}"; do
  if ! "$formatter" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "$f"
    unformatted=$((unformatted + 1))
  fi
done
if ((unformatted > 0)); then
  echo "format.sh: $unformatted file(s) not formatted; run tools/format.sh" >&2
  exit 1
fi
