#!/usr/bin/env bats
# Nothing lost: every line of a report is in the document stream, and the
# stream gives the report back; every cell gx-tables rebuilds reaches the
# fact stream (mapped, unmapped or flagged).

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

SAMPLES="$GX_ROOT/share/samples"

setup() { TMP=$(mktemp -d); }
teardown() { rm -rf "$TMP"; }

# The text column of the non-cell rows, unescaped, one line each.
text_of() {
    awk -F'\t' 'NR > 1 && $8 != "cell" {
        s = $14; out = ""
        while ((i = index(s, "\\")) > 0) {
            c = substr(s, i + 1, 1)
            if (c == "t") r = "\t"; else if (c == "n") r = "\n"; else if (c == "r") r = "\r"
            else if (c == "\\") r = "\\"; else { out = out substr(s, 1, i); s = substr(s, i + 1); continue }
            out = out substr(s, 1, i - 1) r; s = substr(s, i + 2)
        }
        print out s
    }'
}

@test "document stream: the text column gives back each sample report byte for byte" {
    for f in "$SAMPLES"/*.txt; do
        gx-segment "$f" | text_of > "$TMP/back"
        # the stream ends every line with LF, also a last line that had none
        { cat "$f"; [ -z "$(tail -c1 "$f")" ] || echo; } > "$TMP/want"
        cmp "$TMP/want" "$TMP/back" || { echo "differs: $f"; false; }
    done
}

@test "document stream: one row per physical line, numbered 1..N without gaps" {
    for f in "$SAMPLES"/*.txt; do
        n=$(awk 'END { print NR }' "$f")
        gx-segment "$f" | awk -F'\t' -v n="$n" '
            NR > 1 { if ($2 != NR - 1) { print "line " $2 " at row " NR; bad = 1 } }
            END { if (NR - 1 != n) { print NR - 1 " rows for " n " lines"; bad = 1 } exit bad }'
    done
}

@test "document stream: gx-tables passes every input row through unchanged" {
    # (gx-tables appends a flags column; the 14 columns of gx-segment stay)
    for f in "$SAMPLES"/*.txt; do
        gx-segment "$f" > "$TMP/doc"
        gx-tables "$TMP/doc" | awk -F'\t' '$8 != "cell"' | cut -f1-14 > "$TMP/back"
        cmp "$TMP/doc" "$TMP/back" || { echo "differs: $f"; false; }
    done
}

@test "document stream: a report with backslashes, tabs and CR inside lines survives the round trip" {
    printf '标题\r\n一、概述\r\n路径 C:\\gx\\n 与\t制表符\r\n' > "$TMP/r.txt"
    gx-segment "$TMP/r.txt" | text_of > "$TMP/back"
    printf '标题\n一、概述\n路径 C:\\gx\\n 与\t制表符\n' > "$TMP/want"
    cmp "$TMP/want" "$TMP/back"
}

@test "fact stream: every cell gx-tables rebuilds is a fact (mapped, unmapped or flagged)" {
    for f in "$SAMPLES"/*.txt; do
        gx-segment "$f" | gx-tables > "$TMP/cells"
        gx-normalize "$TMP/cells" > "$TMP/facts"
        awk -F'\t' '
            FNR == NR { if ($8 == "cell") cell["T" $9 ":r" $10 ":c" $11] = $12 " | " $13 " = " $14; next }
            FNR > 1 && $10 == "table" { n = split($12, refs, ","); for (i = 1; i <= n; i++) seen[refs[i]] = 1 }
            END {
                for (c in cell) if (!(c in seen)) { print "no fact for " c ": " cell[c]; bad = 1 }
                exit bad
            }' "$TMP/cells" "$TMP/facts" || { echo "in $f"; false; }
    done
}
