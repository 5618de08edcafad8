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

# A small corpus made by bench/mkcorpus: the samples with other numbers, in
# every input form (txt, crlf, gb18030, utf16, md, html, layout).
make_corpus() {
    "$GX_ROOT/bench/mkcorpus" -n 35 -s 7 -o "$TMP/corpus" > /dev/null
}

@test "corpus: the text column gives back each decoded report (every plain-text form)" {
    make_corpus
    n=0
    while IFS=$'\t' read -r file sample form rest; do
        case $form in txt|crlf|gb18030|utf16|layout) ;; *) continue ;; esac
        f="$TMP/corpus/$file"
        case $form in
        gb18030) iconv -f GB18030 -t UTF-8 "$f" ;;
        utf16) iconv -f UTF-16 -t UTF-8 "$f" ;;
        *) cat "$f" ;;
        esac | sed $'1s/^\xef\xbb\xbf//; s/\r$//' | tr -d '\f' > "$TMP/want"
        [ -z "$(tail -c1 "$TMP/want")" ] || echo >> "$TMP/want"
        gx-segment "$f" | text_of > "$TMP/back"
        cmp "$TMP/want" "$TMP/back" || { echo "differs: $file ($form)"; false; }
        n=$((n + 1))
    done < <(tail -n +2 "$TMP/corpus/MANIFEST.tsv")
    [ "$n" -ge 20 ]
}

@test "corpus: every cell gx-tables rebuilds is a fact, in every input form" {
    make_corpus
    gx-segment "$TMP"/corpus/r* | gx-tables > "$TMP/cells"
    gx-normalize "$TMP/cells" > "$TMP/facts"
    awk -F'\t' '
        FNR == NR { if ($8 == "cell") { cell[$1 SUBSEP "T" $9 ":r" $10 ":c" $11] = 1; n++ } next }
        FNR > 1 && $10 == "table" { k = split($12, refs, ","); for (i = 1; i <= k; i++) seen[$1 SUBSEP refs[i]] = 1 }
        END {
            for (c in cell) if (!(c in seen)) { split(c, p, SUBSEP); print "no fact for " p[1] " " p[2]; bad = 1 }
            if (n < 1000) { print "only " n " cells"; bad = 1 }
            exit bad
        }' "$TMP/cells" "$TMP/facts"
}
