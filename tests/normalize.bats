#!/usr/bin/env bats
# gx-normalize: the fact stream of the five sample reports against the
# hand-read expected facts (corpus/expected, copied into
# tests/fixtures/normalize/expected), value forms, narrative cues, the T4
# shift, derived sums, errors, and the Miller recipe of gx-normalize(1).
# mini.tsv and t4.tsv are hand-written document streams (see
# tests/fixtures/normalize/make-fixtures.py), so the mapping is tested on its
# own, whatever the upstream tools do.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

FX="$GX_ROOT/tests/fixtures/normalize"
SAMPLES="$GX_ROOT/share/samples"
SHARED="$GX_ROOT/../shared"

setup() {
    command -v gx-normalize >/dev/null || skip "gx-normalize is not built"
    TMP=$(mktemp -d)
}
teardown() {
    rm -rf "$TMP"
}

need_pipeline() {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    command -v gx-tables >/dev/null || skip "gx-tables is not built"
}

# facts of one sample through the whole pipeline
facts_of() {
    gx-segment "$SAMPLES/$1.txt" | gx-tables | gx-normalize > "$TMP/$1.facts"
}

# every expected fact present, no spurious table fact (both comparisons)
check_sample() {
    need_pipeline
    facts_of "$1"
    run awk -F'\t' -f "$FX/compare.awk" "$FX/expected/$1.tsv" "$TMP/$1.facts"
    assert_success
    local want
    want=$(awk -F'\t' 'NR > 1 && $1 !~ /^doc\./ { n[$5 == "" ? "table" : $5]++ } NR > 1 && $1 ~ /^doc\./ { d++ }
        END { printf "table %d/%d narrative %d/%d doc %d/%d spurious 0", n["table"], n["table"], n["narrative"], n["narrative"], d, d }' \
        "$FX/expected/$1.tsv")
    assert_output "$want"
    if [ -x "$SHARED/tools/score-facts" ] && command -v python3 >/dev/null; then
        run "$SHARED/tools/score-facts" "$TMP/$1.facts" "$SHARED/corpus/expected/$1.tsv" --verbose
        assert_success
        assert_output "$want"
    fi
}

fact() {   # fact FILE DOC INDICATOR DIM SOURCE -> "value unit state flags"
    awk -F'\t' -v d="$2" -v i="$3" -v m="$4" -v s="$5" \
        '$1 == d && $5 == i && $6 == m && $10 == s { print $7 "|" $8 "|" $9 "|" $13 }' "$1"
}

@test "000 伊春市 2017 (legacy table): every expected fact, nothing spurious" {
    check_sample 000_fda1f0f22a5f0f10
}

@test "001 伊春市 2022 (modern-2021, shifted T4 row): every expected fact, nothing spurious" {
    check_sample 001_18e24acce36058d8
}

@test "002 伊美区 2020 (modern-2019, 减 N): every expected fact, nothing spurious" {
    check_sample 002_17bcadf2ed5508d0
}

@test "003 伊春市 2013 (legacy narrative): every expected fact, nothing spurious" {
    check_sample 003_bb21a868ba19d59b
}

@test "004 榆树市 2017 (one cell per line, blanks): every expected fact, nothing spurious" {
    need_pipeline
    # precondition on gx-tables: the record 1.政府公报公开政府信息数 / 条 / (blank)
    # is a row of the grid with a blank 统计数 cell, not a header row
    gx-segment "$SAMPLES/004_02dea9a19f414bf2.txt" | gx-tables > "$TMP/doc"
    awk -F'\t' '$8 == "cell" && $12 ~ /政府公报公开政府信息数$/ && $13 ~ /统计数$/ { f = 1 } END { exit !f }' "$TMP/doc" ||
        skip "gx-tables does not yet give blank one-cell-per-line records as rows (004 line 87-89)"
    check_sample 004_02dea9a19f414bf2
}

@test "the comparison itself fails on a changed value and on a spurious fact" {
    need_pipeline
    facts_of 002_17bcadf2ed5508d0
    awk -F'\t' 'BEGIN { OFS = "\t" } $5 == "proactive.licensing.items_delta" { $7 = "22" } { print }' \
        "$TMP/002_17bcadf2ed5508d0.facts" > "$TMP/bad"
    run awk -F'\t' -f "$FX/compare.awk" "$FX/expected/002_17bcadf2ed5508d0.tsv" "$TMP/bad"
    assert_line "miss proactive.licensing.items_delta[total] (table) want number:-22 got number:22"
    awk -F'\t' 'BEGIN { OFS = "\t" } $5 == "apply.carried_over" && $6 == "total" { $5 = "apply.carried_forward_x" } { print }' \
        "$TMP/002_17bcadf2ed5508d0.facts" > "$TMP/bad"
    run awk -F'\t' -f "$FX/compare.awk" "$FX/expected/002_17bcadf2ed5508d0.tsv" "$TMP/bad"
    assert_line "spurious apply.carried_forward_x[total] = 0"
}

@test "document fields on every row: year, org as printed, schema" {
    need_pipeline
    facts_of 002_17bcadf2ed5508d0
    run awk -F'\t' 'NR > 1 { print $2 "|" $3 "|" $4 }' "$TMP/002_17bcadf2ed5508d0.facts"
    assert_success
    [ "$(printf '%s\n' "$output" | sort -u)" = "2020|伊美区人民政府|modern-2019" ]
    facts_of 003_bb21a868ba19d59b
    [ "$(awk -F'\t' 'NR > 1 { print $2 "|" $3 "|" $4 }' "$TMP/003_bb21a868ba19d59b.facts" | sort -u)" = "2013|伊春市|legacy-narrative" ]
}

@test "values: blank is empty (never 0), placeholders na, 减 N, thousands and unit in a cell, a note in a cell" {
    gx-normalize "$FX/mini.tsv" > "$TMP/f"
    [ "$(fact "$TMP/f" mini proactive.licensing.items_prev total table)" = "323|项|number|layout=t2-2019" ]
    [ "$(fact "$TMP/f" mini proactive.licensing.items_delta total table)" = "-22|项|number|layout=t2-2019,sign_word" ]
    [ "$(fact "$TMP/f" mini proactive.licensing.decisions total table)" = '\N|件|empty|layout=t2-2019' ]
    [ "$(fact "$TMP/f" mini proactive.other_services.items_prev total table)" = '\N|项|na|layout=t2-2019' ]
    [ "$(fact "$TMP/f" mini proactive.other_services.decisions total table)" = '\N|件|na|layout=t2-2019' ]
    [ "$(fact "$TMP/f" mini proactive.other_services.items_delta total table)" = "5|项|number|layout=t2-2019,sign_word" ]
    [ "$(fact "$TMP/f" mini proactive.procurement.amount total table)" = "251000|元|number|layout=t2-2019,separators,unit_in_cell" ]
    [ "$(fact "$TMP/f" mini proactive.procurement.projects total table)" = "22|项|number|layout=t2-2019,note_in_cell,note=其中修订16件" ]
}

@test "unmapped cells are kept with their labels: unknown rows and tables that are no template" {
    gx-normalize "$FX/mini.tsv" > "$TMP/f"
    run awk -F'\t' '$5 == "unmapped" { print $7 "|" $11 "|" $12 "|" $13 "|" $14 }' "$TMP/f"
    assert_line '7|17|T1:r4:c1|unknown_label|自定义指标 // 第二十条第(九)项 | 采购项目数量 // 7'
    assert_line '43206|19|T2:r1:c2|not_a_template_table|数量 // 公开渠道、方式 | 政府网站 // 43206'
    assert_equal "$(grep -c $'\tunmapped\t' "$TMP/f")" 3
}

@test "narrative: a sentence split across a paragraph break, words for zero, bounds, noise skipped" {
    gx-normalize "$FX/mini.tsv" > "$TMP/f"
    [ "$(fact "$TMP/f" mini apply.received.new total narrative)" = "12|件|number|" ]
    [ "$(fact "$TMP/f" mini review.total total narrative)" = "0|件|number|in_words" ]
    [ "$(fact "$TMP/f" mini proactive.items.total total narrative)" = "150|条|number|lower_bound" ]
    # 行政诉讼 9 件 sits on a noise line (a pasted bulletin): not a figure of the report
    [ -z "$(fact "$TMP/f" mini litigation.all.total total narrative)" ]
    # the part after 其中 is not the whole body's figure; the document is modern: no channel ids
    [ -z "$(fact "$TMP/f" mini apply.channel.in_person total narrative)" ]
}

@test "T4 row printed five cells right: read shifted when the identities and the narrative support it" {
    gx-normalize "$FX/t4.tsv" > "$TMP/f"
    [ "$(fact "$TMP/f" shift review.total total table)" = "5|件|number|layout=t4,shifted,printed_as=litigation.direct.total,shift_score=3:2" ]
    [ "$(fact "$TMP/f" shift review.upheld total table | cut -d'|' -f1)" = 2 ]
    [ "$(fact "$TMP/f" shift litigation.direct.total total table | cut -d'|' -f1,3)" = "0|number" ]
    [ "$(fact "$TMP/f" shift litigation.after_review.total total table)" = '\N|件|empty|layout=t4,shifted,unprinted,shift_score=3:2' ]
    # the evidence: the printed cell of review.total is column 10 of the row
    run awk -F'\t' '$1 == "shift" && $5 == "review.total" && $10 == "table" { print $12 }' "$TMP/f"
    assert_output "T1:r1:c10"
    # the same row, with a narrative that fits the printed position: kept as printed
    [ "$(fact "$TMP/f" keep review.total total table)" = '\N|件|empty|layout=t4' ]
    [ "$(fact "$TMP/f" keep litigation.direct.total total table)" = "5|件|number|layout=t4" ]
    assert_equal "$(grep -c $'^keep\t.*shifted' "$TMP/f")" 0
    # no figures in the text and the identities hold either way: as printed
    [ "$(fact "$TMP/f" bare review.total total table)" = '\N|件|empty|layout=t4' ]
    [ "$(fact "$TMP/f" bare litigation.direct.total total table | cut -d'|' -f1)" = 5 ]
}

@test "derived: subtotals the template does not print, legacy-comparable sums, partial sums stay empty" {
    need_pipeline
    facts_of 001_18e24acce36058d8
    f="$TMP/001_18e24acce36058d8.facts"
    [ "$(fact "$f" 001 x x x)" = "" ]
    d=$(awk -F'\t' '$5 == "apply.result.denied.total" && $6 == "natural_person" && $10 == "derived" { print $7 }' "$f")
    assert_equal "$d" 16
    d=$(awk -F'\t' '$5 == "apply.result.other.total" && $6 == "total" && $10 == "derived" { print $7 }' "$f")
    assert_equal "$d" 1
    # the 法人或其他组织 subtotal of every T3 row: 3 + 0 + 1 + 0 + 0 new requests
    d=$(awk -F'\t' '$5 == "apply.received.new" && $6 == "legal_entity" && $10 == "derived" { print $7 }' "$f")
    assert_equal "$d" 4
    d=$(awk -F'\t' '$5 == "litigation.all.total" && $10 == "derived" { print $9 "|" $7 }' "$f")
    assert_equal "$d" 'empty|\N'
    facts_of 000_fda1f0f22a5f0f10
    d=$(awk -F'\t' '$5 == "apply.result.granted" && $10 == "derived" { print $7 "|" $13 }' "$TMP/000_fda1f0f22a5f0f10.facts")
    assert_equal "$d" "6|sum,approx,comparable"
    gx-normalize --no-derived "$FX/t4.tsv" > "$TMP/nd"
    assert_equal "$(grep -c $'\tderived\t' "$TMP/nd")" 0
}

@test "nothing dropped: every cell of the document stream is one table fact with its ref" {
    need_pipeline
    for s in 000_fda1f0f22a5f0f10 001_18e24acce36058d8 002_17bcadf2ed5508d0 004_02dea9a19f414bf2; do
        gx-segment "$SAMPLES/$s.txt" | gx-tables > "$TMP/doc"
        gx-normalize "$TMP/doc" > "$TMP/f"
        awk -F'\t' '$8 == "cell" { print "T" $9 ":r" $10 ":c" $11 }' "$TMP/doc" | sort > "$TMP/cells"
        awk -F'\t' 'NR > 1 && $10 == "table" && $12 != "" { print $12 }' "$TMP/f" | sort > "$TMP/refs"
        run diff "$TMP/cells" "$TMP/refs"
        assert_success
    done
    # the T4 cells printed blank before the shifted values stay, as unmapped
    run awk -F'\t' '$5 == "unmapped" && $13 ~ /blank_before_values/ { print $12 }' "$TMP/f" # 004: none
    assert_output ""
    gx-normalize "$FX/t4.tsv" > "$TMP/f"
    run awk -F'\t' '$1 == "shift" && $5 == "unmapped" { print $12 "|" $13 }' "$TMP/f"
    assert_line "T1:r1:c1|layout=t4,shifted,blank_before_values,printed_as=review.upheld"
    assert_equal "${#lines[@]}" 5
}

@test "stateless across documents: two documents in one stream or apart give the same facts" {
    gx-normalize "$FX/t4.tsv" > "$TMP/both"
    head -1 "$TMP/both" > "$TMP/apart"
    for d in shift keep bare; do
        awk -F'\t' -v d=$d 'NR == 1 || $1 == d' "$FX/t4.tsv" > "$TMP/one.tsv"
        gx-normalize --no-header "$TMP/one.tsv" >> "$TMP/apart"
    done
    run diff "$TMP/both" "$TMP/apart"
    assert_success
}

@test "Miller recipe of gx-normalize(1): one wide row per report" {
    command -v mlr >/dev/null || skip "mlr is not installed"
    gx-normalize "$FX/mini.tsv" "$FX/t4.tsv" > "$TMP/f"
    # the recipe exactly as printed in the manual page
    recipe=$(sed -n '/^\.\\" recipe-begin/,/^\.\\" recipe-end/p' "$GX_ROOT/man/gx-normalize.1" | grep '^mlr' | sed 's/\\-/-/g; s/\\e/\\/g')
    [ -n "$recipe" ]
    run bash -c "$recipe < '$TMP/f'"
    assert_success
    assert_equal "$(printf '%s\n' "$output" | wc -l)" 5   # header + 4 reports
    run mlr --itsv --ocsv filter '$doc == "shift"' then cut -o -f 'review.total.total,litigation.direct.total.total,litigation.after_review.total.total' <<< "$output"
    assert_output $'review.total.total,litigation.direct.total.total,litigation.after_review.total.total\n5,0,'
    run bash -c "$recipe < '$TMP/f' | mlr --itsv --ocsv filter '\$doc == \"mini\"' then cut -f proactive.licensing.items_delta.total"
    assert_output $'proactive.licensing.items_delta.total\n-22'
}

@test "bad input: a foreign header and a ragged record are errors naming file and line; good files still processed" {
    printf 'a\tb\n1\t2\n' > "$TMP/foreign.tsv"
    run gx-normalize "$TMP/foreign.tsv" "$FX/t4.tsv"
    assert_failure 2
    assert_output --partial "gx-normalize: $TMP/foreign.tsv:1:"
    assert_output --partial $'shift\t2022'
    head -3 "$FX/mini.tsv" > "$TMP/ragged.tsv"
    printf 'mini\t9\t1\n' >> "$TMP/ragged.tsv"
    run gx-normalize "$TMP/ragged.tsv"
    assert_failure 2
    assert_output --partial "gx-normalize: $TMP/ragged.tsv:4: "
    run gx-normalize "$TMP/missing.tsv"
    assert_failure 2
    assert_output --partial "gx-normalize: $TMP/missing.tsv"
}

@test "empty input: the header only; --no-header: nothing" {
    run gx-normalize < /dev/null
    assert_success
    assert_output $'doc\tyear\torg\tschema\tindicator\tdim\tvalue\tunit\tstate\tsource\tline\tref\tflags\traw'
    run gx-normalize --no-header < /dev/null
    assert_success
    assert_output ""
}

@test "--map and GX_SHARE replace the label table; a broken table is an error" {
    sed 's/^fact\tt2\t2019\t行政许可\t上一年项目数量\tproactive.licensing.items_prev/fact\tt2\t2019\t行政许可\t上一年项目数量\tproactive.licensing.items_prev_renamed/' \
        "$GX_ROOT/share/gx/labels.tsv" > "$TMP/labels.tsv"
    run gx-normalize --map "$TMP/labels.tsv" "$FX/mini.tsv"
    assert_success
    assert_output --partial $'\tproactive.licensing.items_prev_renamed\ttotal\t323\t'
    printf 'type\tkind\n' > "$TMP/bad.tsv"
    run gx-normalize --map "$TMP/bad.tsv" "$FX/mini.tsv"
    assert_failure 2
    assert_output --partial "no column layout"
}

@test "a row label cut short maps to the one template label it begins (flag label_cut), a short cut does not" {
    # 002 without the line that carries the end of "4. 保护第三方合" (法权益)
    sed '128d' "$SAMPLES/002_17bcadf2ed5508d0.txt" > "$TMP/cut.txt"
    gx-segment "$TMP/cut.txt" | gx-tables | gx-normalize > "$TMP/f"
    run awk -F'\t' '$11 == 126 { print $5 "|" $6 "|" $7 "|" ($13 ~ /(^|,)label_cut(,|$)/) }' "$TMP/f"
    assert_line "apply.result.denied.third_party|natural_person|0|1"
    assert_line "apply.result.denied.third_party|total|0|1"
    [ "${#lines[@]}" -eq 7 ]
    # the rest of the report is read as before
    run awk -F'\t' -f "$FX/compare.awk" "$FX/expected/002_17bcadf2ed5508d0.tsv" "$TMP/f"
    assert_output --partial "table 198/198"
    # "保护第" (3 characters, a third of the label): not enough to tell
    sed 's/^4\. 保护第三方合/4. 保护第/' "$TMP/cut.txt" > "$TMP/cut2.txt"
    gx-segment "$TMP/cut2.txt" | gx-tables | gx-normalize > "$TMP/f2"
    run awk -F'\t' '$11 == 126 { print $5 "|" $13 }' "$TMP/f2"
    assert_line --partial "unmapped|unknown_label"
    refute_output --partial third_party
}

@test "the words of normalize_words.tsv: a multiplier after a figure, a breakdown before it" {
    printf '某市2020年政府信息公开工作年度报告\n\n一、总体情况\n\n2020年，全市主动公开政府信息3万条。其中全市共受理政府信息公开申请26件。\n' > "$TMP/w.txt"
    gx-segment "$TMP/w.txt" | gx-tables > "$TMP/w.doc"
    run sh -c "gx-normalize '$TMP/w.doc' | cut -f5,7"
    assert_line $'proactive.items.total\t30000'
    refute_line --partial apply.received.new          # 其中 before it: a part, not the whole
    # the same words taken from an edited copy of the tables
    cp -r "$GX_ROOT/share/gx" "$TMP/share"
    sed -i -e '/^万\tmultiplier/d' -e 's/^其中\tbreakdown/其内\tbreakdown/' "$TMP/share/normalize_words.tsv"
    run sh -c "GX_SHARE='$TMP/share' gx-normalize '$TMP/w.doc' | cut -f5,7"
    assert_line $'proactive.items.total\t3'
    assert_line $'apply.received.new\t26'
    printf 'word\trole\tvalue\n万\tmultiplier\tmany\n' > "$TMP/share/normalize_words.tsv"
    run env GX_SHARE="$TMP/share" gx-normalize "$TMP/w.doc"
    assert_failure 2
    assert_output --partial "normalize_words.tsv: row 1: a multiplier needs a number > 0"
}

@test "every indicator in labels.tsv, narrative.tsv and normalize_derived.tsv is an id of spec/indicators.tsv" {
    [ -f "$SHARED/spec/indicators.tsv" ] || skip "no shared spec"
    cut -f1 "$SHARED/spec/indicators.tsv" | sort -u > "$TMP/ids"
    { awk -F'\t' '!/^#/ && $1 == "fact" { print $6 }' "$GX_ROOT/share/gx/labels.tsv"
      awk -F'\t' '!/^#/ && NR > 1 { print $1 }' "$GX_ROOT/share/gx/narrative.tsv" | grep -v '^indicator$'
      awk -F'\t' '!/^#/ && $2 != "*" { print $2; n = split($4, p, ","); for (i = 1; i <= n; i++) print p[i] }' \
          "$GX_ROOT/share/gx/normalize_derived.tsv" | grep -v '^indicator$\|^parts$'
    } | sort -u > "$TMP/used"
    run comm -23 "$TMP/used" "$TMP/ids"
    assert_output ""
}

# table facts of a fact stream, sorted: indicator|dim|state|value
table_facts() {
    awk -F'\t' 'NR > 1 && $10 == "table" { print $5 "|" $6 "|" $9 "|" $7 }' "$1" | sort
}

@test "other input forms of report 002 (HTML, LibreOffice HTML of a .doc, markdown, GB18030, UTF-16, CRLF+BOM): every expected fact" {
    need_pipeline
    local want
    want=$(awk -F'\t' 'NR > 1 && $1 !~ /^doc\./ { n[$5 == "" ? "table" : $5]++ } NR > 1 && $1 ~ /^doc\./ { d++ }
        END { printf "table %d/%d narrative %d/%d doc %d/%d spurious 0", n["table"], n["table"], n["narrative"], n["narrative"], d, d }' \
        "$FX/expected/002_17bcadf2ed5508d0.tsv")
    for f in 002.html 002.lo-doc.html 002.md 002.gb18030.txt 002.utf16le.txt 002.utf16be.txt 002.crlf-bom.txt; do
        gx-segment "$GX_ROOT/tests/fixtures/segment/$f" | gx-tables | gx-normalize > "$TMP/f"
        run awk -F'\t' -f "$FX/compare.awk" "$FX/expected/002_17bcadf2ed5508d0.tsv" "$TMP/f"
        echo "# $f: $output" >&3
        assert_output "$want"
        # the issuer exactly as the title prints it (no markdown marks: "# ", "**")
        run awk -F'\t' 'NR == 2 { print $2 " " $3 }' "$TMP/f"
        assert_output "2020 伊美区人民政府"
    done
}

@test "reports 000, 001 and 002 through pdftotext -layout (whole reports): every expected fact" {
    # 001: the T4 markers are cut by the line breaks of narrow header cells
    # ("未经复议直接" / "起诉") and whole only in the joined column heads;
    # 000: a long L1 label pushes its unit and value into its own cell
    # ("…的经费） 万元 0"); 002: the end of "4.保护第三方合法权" is printed
    # on the line of the centred group label "(三)不 益" (label_cut)
    need_pipeline
    local s
    for s in 000_fda1f0f22a5f0f10 001_18e24acce36058d8 002_17bcadf2ed5508d0; do
        gx-segment "$GX_ROOT/tests/fixtures/segment/${s%%_*}.layout.txt" | gx-tables | gx-normalize > "$TMP/f"
        run awk -F'\t' -f "$FX/compare.awk" "$FX/expected/$s.tsv" "$TMP/f"
        echo "# $s: ${lines[-1]}" >&3
        assert_success
        want=$(awk -F'\t' 'NR > 1 && $1 !~ /^doc\./ { n[$5 == "" ? "table" : $5]++ } NR > 1 && $1 ~ /^doc\./ { d++ }
            END { printf "table %d/%d narrative %d/%d doc %d/%d spurious 0", n["table"], n["table"], n["narrative"], n["narrative"], d, d }' \
            "$FX/expected/$s.tsv")
        assert_output "$want"
    done
}

@test "the template tables as markdown, HTML and CSV give the same table facts as tab-separated" {
    need_pipeline
    local T="$GX_ROOT/tests/fixtures/tables"
    for t in 000_l1 001_t2 001_t3 001_t4 002_t2 002_t3 002_t4; do
        gx-segment "$T/$t.tsv.txt" | gx-tables | gx-normalize > "$TMP/ref"
        table_facts "$TMP/ref" > "$TMP/ref.s"
        # the reference itself maps: no unmapped cell in a template table but
        # group rows and the unit column
        run awk -F'\t' '$5 == "unmapped" && $13 != "group_label" && $13 != "unit_cell"' "$TMP/ref"
        assert_output ""
        for form in md html; do
            gx-segment "$T/$t.$form" | gx-tables | gx-normalize > "$TMP/got"
            table_facts "$TMP/got" > "$TMP/got.s"
            run diff "$TMP/ref.s" "$TMP/got.s"
            assert_success
        done
        gx-tables --from csv "$T/$t.csv" | gx-normalize > "$TMP/got"
        table_facts "$TMP/got" > "$TMP/got.s"
        run diff "$TMP/ref.s" "$TMP/got.s"
        assert_success
    done
}

@test "document fields: Chinese-numeral year and signature, statistics period and compiling office, or \\N" {
    gx-normalize "$FX/docfields.tsv" > "$TMP/f"
    run awk -F'\t' 'NR > 1 { print $1 "|" $2 "|" $3 "|" $7 "|" $13 }' "$TMP/f"
    assert_line "cjk|2019|某某市人民政府办公室|3210|"
    assert_line "period|2018|某某县人民政府办公室|12000|lower_bound"
    assert_line 'none|\N|\N|20000|upper_bound'
    assert_line 'long|\N|\N|26|'
}

@test "a money cell without a printed unit gets the template's usual unit, flagged unit_inferred" {
    need_pipeline
    facts_of 002_17bcadf2ed5508d0
    run awk -F'\t' '$5 == "proactive.procurement.amount" { print $7 "|" $8 "|" $13 }' "$TMP/002_17bcadf2ed5508d0.facts"
    assert_output "9184322.81|元|layout=t2-2019,unit_inferred"
    gx-normalize "$FX/mini.tsv" > "$TMP/f"
    [ "$(fact "$TMP/f" mini proactive.procurement.amount total table)" = "251000|元|number|layout=t2-2019,separators,unit_in_cell" ]
}

@test "narrative: a whole-body figure (全市, 共 …) wins over a department's figure stated before it" {
    gx-normalize "$FX/docfields.tsv" > "$TMP/f"
    [ "$(fact "$TMP/f" scope apply.received.new total narrative)" = "26|件|number|" ]
    run awk -F'\t' '$1 == "scope" && $5 == "apply.received.new" { print $11 "|" $12 }' "$TMP/f"
    assert_output "3|L3"
}

@test "--cues replaces the narrative patterns; --no-narrative writes none" {
    printf 'indicator\tschema\tscope\tregex\tgroup\tvalue\tunit\tnotes\n' > "$TMP/cues.tsv"
    printf 'complaints.total\t*\twhole\t举报投诉\\s*(\\d+)\\s*件\t1\t\t件\ttest\n' >> "$TMP/cues.tsv"
    printf 'doc\tline\tpage\tpara\tsec\tlevel\tkind\trole\ttable\trow\tcol\trowhead\tcolhead\ttext\n' > "$TMP/doc.tsv"
    printf 'x\t1\t1\t1\t0\t0\tpreamble\ttitle\t\t\t\t\t\t某县2015年政府信息公开工作年度报告\n' >> "$TMP/doc.tsv"
    printf 'x\t2\t1\t2\t0\t0\tpreamble\ttext\t\t\t\t\t\t全年受理政府信息公开申请 4 件，举报投诉 2 件。\n' >> "$TMP/doc.tsv"
    run gx-normalize --cues "$TMP/cues.tsv" "$TMP/doc.tsv"
    assert_success
    assert_line --partial $'\tcomplaints.total\ttotal\t2\t件\tnumber\tnarrative\t2\tL2\t'
    refute_output --partial 'apply.received.new'
    run gx-normalize "$TMP/doc.tsv"
    assert_line --partial $'\tapply.received.new\ttotal\t4\t'
    run gx-normalize --no-narrative "$TMP/doc.tsv"
    assert_success
    refute_output --partial $'\tnarrative\t'
    printf 'indicator\tschema\tscope\tregex\tgroup\tvalue\tunit\tnotes\nx\t*\twhole\t(unclosed\t1\t\t\t\n' > "$TMP/bad.tsv"
    run gx-normalize --cues "$TMP/bad.tsv" "$TMP/doc.tsv"
    assert_failure 2
    assert_output --partial "gx-normalize: $TMP/bad.tsv: row 1: bad pattern"
}

@test "legacy narrative breakdowns (channels, replies, responses) agree with the tables of 000 and 004" {
    need_pipeline
    for s in 000_fda1f0f22a5f0f10 004_02dea9a19f414bf2; do
        facts_of "$s"
        run awk -F'\t' '$10 == "table" { t[$5] = $7 } $10 == "narrative" { n[$5] = $7 }
            END { for (k in n) if (k in t) { both++; if (t[k] != n[k]) print "differs " k ": " n[k] " vs " t[k] }
                  print "compared " both }' "$TMP/$s.facts"
        refute_output --partial differs
    done
    # 000: 16 figures from the text (5 totals, 3 channels, 6 replies, 微博, 微信)
    run awk -F'\t' '$10 == "narrative" && $5 !~ /^doc\./' "$TMP/000_fda1f0f22a5f0f10.facts"
    assert_equal "${#lines[@]}" 16
    # 004: the combined 政务微博微信 2562 is neither the 微博 nor the 微信 figure
    run awk -F'\t' '$10 == "narrative" && $5 ~ /^proactive.channel/' "$TMP/004_02dea9a19f414bf2.facts"
    assert_output ""
}

@test "how gx-tables read a cell (its flags column) is kept in the fact's flags as cell:WORD" {
    need_pipeline
    gx-segment "$SAMPLES/002_17bcadf2ed5508d0.txt" | gx-tables > "$TMP/doc"
    head -1 "$TMP/doc" | grep -q $'\tflags$' || skip "gx-tables writes no flags column"
    gx-normalize "$TMP/doc" > "$TMP/f"
    run awk -F'\t' '$5 == "apply.result.denied.third_party" && $6 == "natural_person" { print $13 }' "$TMP/f"
    assert_output --partial "cell:wrapped"
    # a stream without the column reads as before
    cut -f1-14 "$TMP/doc" | gx-normalize > "$TMP/g"
    run awk -F'\t' '$5 == "apply.result.denied.third_party" && $6 == "natural_person" { print $13 }' "$TMP/g"
    assert_output "layout=t3-2019"
}

@test "pdftotext -layout tables (000, 001, 002 fixtures of gx-tables) give the facts of the tab-separated tables" {
    need_pipeline
    local T="$GX_ROOT/tests/fixtures/tables"
    cells() { awk -F'\t' '$8 == "cell" { c = $12 "|" $13 "|" $14; gsub(/[ \t]/, "", c); print c }' "$1" | sort; }
    local ran=0
    for s in 000 001 002; do
        : > "$TMP/ref.doc"
        for t in "$T/${s}"_*.tsv.txt; do
            gx-segment "$t" | gx-tables >> "$TMP/ref.doc"
        done
        gx-segment "$T/$s.layout.txt" | gx-tables > "$TMP/lay.doc"
        # only when gx-tables gives the same cells (its own goal) is the mapping compared
        cmp -s <(cells "$TMP/ref.doc") <(cells "$TMP/lay.doc") || continue
        ran=$((ran + 1))
        for t in "$T/${s}"_*.tsv.txt; do gx-segment "$t" | gx-tables | gx-normalize; done > "$TMP/ref"
        gx-normalize "$TMP/lay.doc" > "$TMP/lay"
        run diff <(table_facts "$TMP/ref" | grep -v '^unmapped|') <(table_facts "$TMP/lay" | grep -v '^unmapped|')
        assert_success
    done
    [ "$ran" -gt 0 ] || skip "gx-tables does not yet give the cells of the tab-separated tables for pdftotext -layout"
}

@test "narrative wordings: 均为0, 未因…被申请, 其中 parts, 上年结转, Chinese numerals, a fee in 元" {
    gx-normalize "$FX/narr.tsv" > "$TMP/f"
    run awk -F'\t' 'NR > 1 { print $1 "|" $5 "|" $7 "|" $8 "|" $13 }' "$TMP/f"
    assert_output "both0|apply.received.new|12|件|
both0|review.total|0|件|in_words
both0|litigation.all.total|0|件|in_words
words|review.total|0|件|in_words
words|litigation.all.total|1|件|
part|apply.received.new|45|件|
carry|apply.received.new|18|件|
cjk|review.total|4|件|
cjk|litigation.all.total|2|件|
fee|review.total|0|件|in_words
fee|fees.info_processing|1200|元|"
}

@test "document facts: statistics period, stale years in fee/request text, 其中 sums and rates (docfacts.txt)" {
    need_pipeline
    gx-segment "$FX/docfacts.txt" | gx-tables | gx-normalize > "$TMP/d.facts"
    run awk -F'\t' '$5 ~ /^doc\./ { print $5, $7, $8, $9, $10, $11, $13 }' "$TMP/d.facts"
    # line 4 (overview, not a fee/request section) names 2016 with 继续: no stale year;
    # its list is counted per channel (分别计算): no sum; line 9 gives a bound (近 30 件): no sum
    assert_output "$(printf '%s\n' \
        'doc.period_year 2016  number narrative 2 ' \
        'doc.stale_year 2016  number narrative 8 ' \
        'doc.narrative_sum 10 件 number narrative 6 parts=4+5' \
        'doc.narrative_rate 90 % number narrative 6 num=9,den=10')"
    # the document facts stay out of the table facts and of the indicator vocabulary
    run awk -F'\t' '$5 ~ /^doc\./ && $10 != "narrative"' "$TMP/d.facts"
    assert_output ""
    run gx-normalize --no-narrative < <(gx-segment "$FX/docfacts.txt" | gx-tables)
    refute_output --partial doc.
}

@test "document facts of the samples (read from the seed texts)" {
    need_pipeline
    for s in 000_fda1f0f22a5f0f10 001_18e24acce36058d8 002_17bcadf2ed5508d0 003_bb21a868ba19d59b 004_02dea9a19f414bf2; do
        facts_of "$s"
        awk -F'\t' -v s="${s%%_*}" '$5 ~ /^doc\.(period_year|stale_year|narrative_rate)$/ || ($5 == "doc.narrative_sum" && s ~ /^00[34]$/) {
            print s, $5, $7, $9, $11, $13 }' "$TMP/$s.facts"
    done > "$TMP/got"
    # 000:6 统计期限自2017年1月1日; 000:216 2016年我市…继续暂不收费; 000:68 解读161件,解读率96.4%
    # (制发167件) and 解读23件,解读率100% (制发23件); 001 states no period; 002:7 2020;
    # 003:7 统计期限为201311日至1231日 (garbled); 003:37 2013年…继续暂不收费;
    # 003:29 81536 = 2118+39660+35179+4579 and 2660 = 785+1875; 003:33 10 = 8+2;
    # 004:16 26187 against 22857+2562+758; 004:21 551 against 1+16+32+315+228; 004:24 89 = 63+2+24
    run cat "$TMP/got"
    assert_output "$(printf '%s\n' \
        '000 doc.period_year 2017 number 6 ' \
        '000 doc.stale_year 2016 number 216 ' \
        '000 doc.narrative_rate 96.4 number 68 num=161,den=167' \
        '000 doc.narrative_rate 100 number 68 num=23,den=23' \
        '002 doc.period_year 2020 number 7 ' \
        '003 doc.period_year \N text 7 unparsed' \
        '003 doc.stale_year 2013 number 37 ' \
        '003 doc.narrative_sum 81536 number 29 parts=2118+39660+35179+4579' \
        '003 doc.narrative_sum 2660 number 29 parts=785+1875' \
        '003 doc.narrative_sum 10 number 33 parts=8+2' \
        '004 doc.narrative_sum 26187 number 16 parts=22857+2562+758' \
        '004 doc.narrative_sum 551 number 21 parts=1+16+32+315+228' \
        '004 doc.narrative_sum 89 number 24 parts=63+2+24')"
}
