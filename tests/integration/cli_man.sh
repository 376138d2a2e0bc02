#!/usr/bin/env bash
# The man page documents every long option of every subcommand's --help, each in the OPTIONS
# subsection of its --help group, and every settings key.
set -u
: "${TF_BIN:?}" "${TF_SOURCE_DIR:?}"
man_page=$TF_SOURCE_DIR/man/trafficinator.1
# roff escapes "\-" to "-" for the comparison.
text=$(sed 's/\\-/-/g' "$man_page")
missing=0
options=$("$TF_BIN" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
for sub in run generate validate replay presets merge help find-capacity verify; do
  options+=$'\n'$("$TF_BIN" "$sub" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
done
for option in $(sort -u <<<"$options"); do
  grep -qF -- "$option" <<<"$text" || { echo "man page lacks option $option"; missing=$((missing + 1)); }
done
# Each option sits in the man page section of its --help group: for every subcommand, an option
# listed under group G in --help must appear in the OPTIONS subsection whose title starts with G
# ("Options", the default group of -h/--version, is the "Global" subsection).
section_text() {  # the text of the OPTIONS subsection whose title starts with $1
  awk -v want="$1" '
    /^\.SH / { in_options = ($0 ~ /^\.SH OPTIONS/); keep = 0; next }
    in_options && /^\.SS / { title = substr($0, 5); gsub(/"/, "", title); keep = (index(title, want) == 1); next }
    keep { print }' <<<"$text"
}
help_groups() {  # "GROUP --option" for each option of `trafficinator $@ --help`
  "$TF_BIN" "$@" --help | awk '
    /^[A-Z][A-Za-z ]*:$/ { group = substr($0, 1, length($0) - 1); next }
    /^ +-/ && group != "Positionals" {
      if (match($1, /--[a-z0-9][a-z0-9-]*/)) print group, substr($1, RSTART, RLENGTH) }'
}
for sub in "" run generate validate replay presets merge help find-capacity verify; do
  while read -r group option; do
    [[ "$option" == --help ]] && continue
    [[ "$group" == Options ]] && group=Global
    section_text "$group" | grep -qE -- "${option}([^a-z0-9-]|\$)" \
      || { echo "man page: ${sub:-trafficinator} $option (--help group $group) is not in the section \"$group\""; missing=$((missing + 1)); }
  done < <(help_groups $sub)
done
# Keys of the settings table: the ORIGIN column of --show-config lists every one.
keys=$(env -i "$TF_BIN" run --show-config 2>/dev/null | awk 'NR > 1 && /^[A-Z][A-Z0-9_]+ / { print $1 }')
[[ $(wc -l <<<"$keys") -ge 60 ]] || { echo "too few keys from --show-config"; exit 1; }
for key in $keys; do
  grep -qE "^\.B $key\$" <<<"$text" || { echo "man page ENVIRONMENT lacks $key"; missing=$((missing + 1)); }
done
for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
  grep -q "^\.SH \"\?$section" <<<"$text" || { echo "man page lacks section $section"; missing=$((missing + 1)); }
done
if ((missing)); then
  echo "$missing item(s) missing from $man_page"
  exit 1
fi
echo "cli_man: all passed"
