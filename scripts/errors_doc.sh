#!/bin/sh
# errors_doc.sh [DOC] -- write the catalogue table of DOC (docs/errors.md)
# from tests/data/errors.tsv, between the lines "<!-- errors.tsv -->" and
# "<!-- end errors.tsv -->". tests/errors_catalogue.t runs it on a copy
# and requires no change: edit the tsv, then run this.
set -eu
doc=${1:-docs/errors.md}
tsv=tests/data/errors.tsv
table=$(mktemp)
trap 'rm -f "$table" "$table.doc"' EXIT
{
    echo '| what was tried | command | exit | what the user sees |'
    echo '|---|---|---|---|'
    grep -v '^#' "$tsv" | awk -F '\t' '
        function cell(s) { gsub(/\|/, "\\|", s); return s }
        { printf "| %s | `%s` | %s | `%s` |\n", cell($1), cell($2), $3, cell($4) }'
} > "$table"
awk -v table="$table" '
    /^<!-- end errors.tsv -->$/ { skip = 0 }
    !skip { print }
    /^<!-- errors.tsv -->$/ { while ((getline line < table) > 0) print line; skip = 1 }
' "$doc" > "$table.doc"
cat "$table.doc" > "$doc"
