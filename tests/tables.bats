#!/usr/bin/env bats
# gx-tables: table blocks of the document stream as cell rows.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

SEEDS="$GX_ROOT/../shared/corpus/seeds"
FIX="$GX_ROOT/tests/fixtures/tables"

setup() {
    command -v gx-tables >/dev/null || skip "gx-tables is not built"
    TMP=$(mktemp -d)
}
teardown() {
    rm -rf "$TMP"
}

seed() { ls "$SEEDS"/"$1"_*.txt; }

# The cells of a stream: line table row col rowhead colhead text flags.
cells() {
    awk -F'\t' 'BEGIN{OFS="\t"} NR==1{print "line","table","row","col","rowhead","colhead","text","flags"} $8=="cell"{print $2,$9,$10,$11,$12,$13,$14,$15}'
}

# text of the cell at rowhead $2 and colhead $3 in cells file $1
cell_text() {
    awk -F'\t' -v r="$2" -v c="$3" '$5==r && $6==c {print $7 "|" $8}' "$1"
}

@test "gx-tables: the five samples give the golden cells (read cell by cell)" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    for n in 000 001 002 003 004; do
        gx-segment "$(seed $n)" | gx-tables | cells > "$TMP/$n"
        run diff -u "$FIX/golden/$n.cells.tsv" "$TMP/$n"
        assert_success
    done
}

@test "gx-tables: 001 T3 shifted rows are re-aligned and flagged" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 001)" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "三、本年度办理结果 | (七)总计" "总计"
    assert_output "138|shifted"
    run cell_text "$TMP/c" "三、本年度办理结果 | (七)总计" "申请人情况 | 自然人"
    assert_output "134|shifted"
    run cell_text "$TMP/c" "三、本年度办理结果 | (五)不予处理 | 3.要求提供公开出版物" "申请人情况 | 法人或其他组织 | 商业企业"
    assert_output "0|shifted"
    run cell_text "$TMP/c" "四、结转下年度继续办理" "总计"
    assert_output "0|shifted"
    run cell_text "$TMP/c" "三、本年度办理结果 | (四)无法提供 | 2.没有现成信息需要另行制作" "申请人情况 | 法人或其他组织 | 社会公益组织"
    assert_output "1|"
    run cell_text "$TMP/c" "三、本年度办理结果 | (六)其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" "总计"
    assert_output "1|"
}

@test "gx-tables: 001 T4 value row is kept positional and flagged lead_empty=5" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 001)" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "" "行政复议 | 结果维持"
    assert_output "|lead_empty=5"
    run cell_text "$TMP/c" "" "行政诉讼 | 未经复议直接起诉 | 结果维持"
    assert_output "2|lead_empty=5"
    run cell_text "$TMP/c" "" "行政诉讼 | 未经复议直接起诉 | 总计"
    assert_output "5|lead_empty=5"
    run cell_text "$TMP/c" "" "行政诉讼 | 复议后起诉 | 尚未审结"
    assert_output "0|lead_empty=5"
}

@test "gx-tables: 001 T2 sub-tables each get their caption and header" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 001)" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "行政规范性文件" "第二十条第（一）项 | 现行有效件数"
    assert_output "379|"
    run cell_text "$TMP/c" "行政强制" "第二十条第（六）项 | 本年处理决定数量"
    assert_output "1662|"
    run cell_text "$TMP/c" "行政事业性收费" "第二十条第（八）项 | 本年收费金额（单位：万元）"
    assert_output "15781.34226|"
}

@test "gx-tables: 002 wrapped label 4.保护第三方合 / 法权益 is joined" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 002)" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "三、本年度办理结果 | (三)不予公开 | 4.保护第三方合法权益" "申请人情况 | 法人或其他组织 | 法律服务机构"
    assert_output "0|shifted,wrapped"
    run grep -c '法权益' "$TMP/c"
    assert_output 7
    # 5. keeps its group although the row lost its leading cell
    run cell_text "$TMP/c" "三、本年度办理结果 | (三)不予公开 | 5.属于三类内部事务信息" "申请人情况 | 总计"
    assert_output "0|"
    run cell_text "$TMP/c" "三、本年度办理结果 | (四)无法提供 | 1.本机关不掌握相关政府信息" "申请人情况 | 自然人"
    assert_output "0|"
    run cell_text "$TMP/c" "行政许可" "第二十条第(五)项 | 本年增/减"
    assert_output "减 22|"
    run cell_text "$TMP/c" "政府集中采购" "第二十条第(九)项 | 采购总金额"
    assert_output "9184322.81|"
}

@test "gx-tables: 002 separator row --- is dropped, headers with split letters are joined" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 002)" | gx-tables | cells > "$TMP/c"
    run grep -c -- '---' "$TMP/c"
    assert_output 0
    run cell_text "$TMP/c" "" "行政诉讼 | 复议后起诉 | 尚未审结"
    assert_output "0|"
    run cell_text "$TMP/c" "一、本年新收政府信息公开申请数量" "申请人情况 | 法人或其他组织 | 社会公益组织"
    assert_output "0|"
}

@test "gx-tables: 004 one cell per line: blank values, continuation lines, numbering paths" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 004)" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "一、主动公开情况 | （1）主动公开政府信息数（不同渠道和方式公开相同信息计1条）" "统计数"
    assert_output "26187|wrapped"
    run cell_text "$TMP/c" "一、主动公开情况 | （二）通过不同渠道和方式公开政府信息的情况" "统计数"
    assert_output "|"
    run cell_text "$TMP/c" "三、依申请公开情况 | （三）申请答复数" "统计数"
    assert_output "89|"
    run cell_text "$TMP/c" "三、依申请公开情况 | （三）申请答复数 | 4.不同意公开答复数 | 不是《条例》所指政府信息" "统计数"
    assert_output "2|"
    run cell_text "$TMP/c" "五、行政诉讼数量 | (二)被依法纠错数" "单位"
    assert_output "件|"
    run cell_text "$TMP/c" "九、政府信息公开会议和培训情况 | （三）接受培训人员数" "统计数"
    assert_output "134|"
}

@test "gx-tables: 000 legacy 统计表 and narrative mini-tables" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 000)" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "一、主动公开情况 | （二）通过不同渠道和方式公开政府信息的情况" "统计数"
    assert_output "94604|"
    run cell_text "$TMP/c" "一、主动公开情况 | （二）通过不同渠道和方式公开政府信息的情况" "单位"
    assert_output "|"
    run cell_text "$TMP/c" "五、行政诉讼数量 | （三）其他情形数" "统计数"
    assert_output "0|"
    run cell_text "$TMP/c" "四、行政复议数量 | （三）其他情形数" "统计数"
    assert_output "1|"
    run cell_text "$TMP/c" "百分比" "政府网站"
    assert_output --partial "81.48%|"
}

@test "gx-tables: every input row passes through unchanged, cells follow their block" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment "$(seed 001)" > "$TMP/s"
    gx-tables --no-flags "$TMP/s" > "$TMP/t"
    run diff <(cat "$TMP/s") <(awk -F'\t' '$8!="cell"' "$TMP/t")
    assert_success
    # the first cell row comes right after the last raw line of table 1
    run awk -F'\t' '$9==1 && $8=="table"{last=NR} $8=="cell" && !first{first=NR} END{print first-last}' "$TMP/t"
    assert_output 1
}

@test "gx-tables: tab, markdown, HTML and CSV versions give the same cells" {
    for t in 001_t2 001_t3 001_t4 002_t2 002_t3 002_t4 000_m1 000_l1; do
        awk -f "$FIX/as-stream.awk" "$FIX/$t.tsv.txt" | gx-tables | cells | cut -f3- > "$TMP/tab"
        [ -s "$TMP/tab" ] && [ "$(wc -l < "$TMP/tab")" -gt 1 ]
        awk -f "$FIX/as-stream.awk" "$FIX/$t.md" | gx-tables | cells | cut -f3- > "$TMP/md"
        run diff "$TMP/tab" "$TMP/md"
        assert_success
        gx-tables --from csv "$FIX/$t.csv" | cells | cut -f3- > "$TMP/csv"
        run diff "$TMP/tab" "$TMP/csv"
        assert_success
        if command -v gx-segment >/dev/null; then
            gx-segment --from html "$FIX/$t.html" | gx-tables | cells | cut -f3- > "$TMP/html"
            run diff "$TMP/tab" "$TMP/html"
            assert_success
        fi
    done
}

# cells of a layout fixture's tables 1..n (text with spaces deleted) and of
# the tab-separated originals, numbered the same
layout_cells() {
    awk -f "$FIX/as-stream.awk" "$1" | gx-tables | awk -F'\t' -v n="$2" '$8=="cell" && $9<=n {gsub(/ /,"",$14); print $9"\t"$10"\t"$11"\t"$12"\t"$13"\t"$14}'
}
tab_cells() {
    local i=1 t
    for t in "$@"; do
        awk -f "$FIX/as-stream.awk" "$FIX/$t.tsv.txt" | gx-tables |
            awk -F'\t' -v i=$i 'BEGIN{OFS="\t"} $8=="cell" {gsub(/ /,"",$14); print i,$10,$11,$12,$13,$14}'
        i=$((i+1))
    done
}

@test "gx-tables: pdftotext -layout of the sample tables gives the cells of the tab-separated original" {
    layout_cells "$FIX/001.layout.txt" 2 > "$TMP/l"
    tab_cells 001_t2 001_t3 > "$TMP/t"
    [ "$(wc -l < "$TMP/t")" -eq 185 ]
    run diff "$TMP/t" "$TMP/l"
    assert_success
    layout_cells "$FIX/002.layout.txt" 2 > "$TMP/l"
    tab_cells 002_t2 002_t3 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
    # 000: a mini-table with a squeezed header line, the 统计表 over three pages
    layout_cells "$FIX/000.layout.txt" 2 > "$TMP/l"
    tab_cells 000_m1 000_l1 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
    # the same with cells wrapped over several lines (labels, units, 其中 rows)
    layout_cells "$FIX/000.wrapped.txt" 2 > "$TMP/l"
    run diff "$TMP/t" "$TMP/l"
    assert_success
}

@test "gx-tables: pdftotext -layout with labels and headers wrapped in narrow cells" {
    # 002: every cell, row label and column header as in the original
    layout_cells "$FIX/002.wrapped.txt" 2 > "$TMP/l"
    tab_cells 002_t2 002_t3 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
    # 001: values and row labels (squeezed label cells "三、本 年度 办 (一) 予以公",
    # a label continued beside another "(六) 其他处 由逾期不补正、行政")
    layout_cells "$FIX/001.wrapped.txt" 2 | cut -f1-4,6 > "$TMP/l"
    tab_cells 001_t2 001_t3 | cut -f1-4,6 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
    # and the column headers of all value columns but the first
    layout_cells "$FIX/001.wrapped.txt" 2 | awk -F'\t' '$1==2 && $3>1' | cut -f3,5 | sort -u > "$TMP/l"
    tab_cells 001_t2 001_t3 | awk -F'\t' '$1==2 && $3>1' | cut -f3,5 | sort -u > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
}

@test "gx-tables: pdftotext -layout: a wrapped T3 label is merged, a page break does not split a row" {
    layout_cells "$FIX/001.layout.txt" 2 > "$TMP/l"
    run awk -F'\t' '$1==2 && $2==4 && $3==1 {print $4 "=" $6}' "$TMP/l"
    assert_output "三、本年度办理结果 | (二)部分公开（区分处理的，只计这一情形，不计其他情形）=28"
    run awk -F'\t' '$4 ~ /6.属于四类过程性信息/ && $3==7 {print $5 "=" $6}' "$TMP/l"
    assert_output "总计=0"
}

@test "gx-tables: a ragged row keeps every cell (overflow), a short one is padded" {
    printf 'a\tx\ty\nr1\t1\t2\nr2\t3\t4\t5\t6\nr3\t7\n' > "$TMP/t"
    awk -f "$FIX/as-stream.awk" "$TMP/t" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "r2" ""
    assert_line "5|overflow"
    assert_line "6|overflow"
    run cell_text "$TMP/c" "r3" "y"
    assert_output "|padded"
    run cell_text "$TMP/c" "r1" "y"
    assert_output "2|"
}

@test "gx-tables: bad input: not a document stream is exit 2 with file:line" {
    printf 'hello\n' > "$TMP/bad"
    run gx-tables "$TMP/bad"
    assert_failure 2
    assert_output --partial "gx-tables: $TMP/bad:1:"
    run gx-tables --from csv "$TMP/missing.csv"
    assert_failure 2
    assert_output --partial "missing.csv"
    run gx-tables --from xml
    assert_failure 2
}

@test "gx-tables: a table continued on the next page without its header is stitched, not across text" {
    gx-tables "$FIX/stitch.stream.tsv" | cells > "$TMP/c"
    run cell_text "$TMP/c" "r2" "b"
    assert_output "4|stitched"
    run cell_text "$TMP/c" "r3" ""
    assert_line "3|nohead"
}

@test "gx-tables: --no-flags writes the 14 columns of the document stream" {
    run bash -c "gx-tables --no-flags '$FIX/stitch.stream.tsv' | awk -F'\t' '{print NF}' | sort -u"
    assert_output 14
    run bash -c "gx-tables '$FIX/stitch.stream.tsv' | head -1"
    assert_output "$(printf 'doc\tline\tpage\tpara\tsec\tlevel\tkind\trole\ttable\trow\tcol\trowhead\tcolhead\ttext\tflags')"
}

@test "gx-tables: pdftotext -layout: page numbers and a header repeated on the next page are skipped" {
    awk -f "$FIX/as-stream.awk" "$FIX/footer.layout.txt" | gx-tables | cells > "$TMP/c"
    run cut -f3-7 "$TMP/c"
    assert_output "$(printf 'row\tcol\trowhead\tcolhead\ttext\n1\t1\t规章\t本年数量\t3\n1\t2\t规章\t上年数量\t4\n2\t1\t行政规范性文件\t本年数量\t5\n2\t2\t行政规范性文件\t上年数量\t6')"
}

@test "gx-tables: an HTML table with rowspan and colspan (through gx-segment) gives the template paths" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    gx-segment --from html "$FIX/t3_spans.html" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "一、本年新收政府信息公开申请数量" "申请人情况 | 自然人"
    assert_output --regexp '^134\|'
    run cell_text "$TMP/c" "三、本年度办理结果 | （三）不予公开 | 2.其他法律行政法规禁止公开" "申请人情况 | 法人或其他组织 | 社会公益组织"
    assert_output "0|"
    run cell_text "$TMP/c" "三、本年度办理结果 | （七）总计" "申请人情况 | 总计"
    assert_output --regexp '^138\|'
    run cell_text "$TMP/c" "四、结转下年度继续办理" "申请人情况 | 法人或其他组织 | 其他"
    assert_output --regexp '^0\|'
    run awk -F'\t' 'END{print NR-1}' "$TMP/c"
    assert_output 56
}

@test "gx-tables: a label copied into every column it spans counts once" {
    printf 'h\ta\tb\nx\tx\t1\t2\n' | awk -f "$FIX/as-stream.awk" | gx-tables | cells > "$TMP/c"
    run cell_text "$TMP/c" "x" "b"
    assert_output "2|"
}

@test "gx-tables: pdftotext -layout without blank lines between rows" {
    # 000: every cell
    layout_cells "$FIX/000.dense.txt" 2 > "$TMP/l"
    tab_cells 000_m1 000_l1 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
    # 002: values and row labels (wrapped labels: continuation below the
    # value line, numbered label above a value line without label)
    layout_cells "$FIX/002.dense.txt" 2 | cut -f1-4,6 > "$TMP/l"
    tab_cells 002_t2 002_t3 | cut -f1-4,6 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
    # 001 T3: values and row labels
    layout_cells "$FIX/001.dense.txt" 2 | awk -F'\t' '$1==2' | cut -f1-4,6 > "$TMP/l"
    tab_cells 001_t2 001_t3 | awk -F'\t' '$1==2' | cut -f1-4,6 > "$TMP/t"
    run diff "$TMP/t" "$TMP/l"
    assert_success
}

@test "gx-tables: --from csv reads a GB18030 file (a spreadsheet on a Chinese system) as the UTF-8 one" {
    gx-tables --from csv "$FIX/002_t3.csv" | cells | cut -f2- > "$TMP/u"
    gx-tables --from csv "$FIX/002_t3.gb18030.csv" | cells | cut -f2- > "$TMP/g"
    [ "$(wc -l < "$TMP/u")" -gt 150 ]
    run diff "$TMP/u" "$TMP/g"
    assert_success
    printf 'a,b\n\377\376\377,1\n' > "$TMP/bad.csv"
    run gx-tables --from csv "$TMP/bad.csv" "$FIX/001_t4.csv"
    assert_failure 2
    assert_output --partial "gx-tables: $TMP/bad.csv:2: invalid bytes: neither UTF-8 nor GB18030"
    assert_output --partial "行政诉讼 | 复议后起诉 | 总计"
}

@test "gx-tables: its own output passes through unchanged (no second set of cells)" {
    gx-tables "$FIX/stitch.stream.tsv" > "$TMP/once"
    gx-tables "$TMP/once" > "$TMP/twice"
    run cmp "$TMP/once" "$TMP/twice"
    assert_success
}

@test "gx-tables: a group row taken for a heading between two parts of a table joins them" {
    # 000 统计表 cut at 二、回应解读情况 (role heading): the part after it has
    # no header; it takes the columns of the part before, the heading is its
    # first group row (the heading row itself passes through unchanged)
    gx-tables "$FIX/group-heading.stream.tsv" > "$TMP/out"
    cells < "$TMP/out" > "$TMP/c"
    run cell_text "$TMP/c" "二、回应解读情况 | （二）通过不同渠道和方式回应解读的情况" "统计数"
    assert_output "379|stitched"
    run awk -F'\t' '$8=="heading"' "$TMP/out"
    assert_output --partial "二、回应解读情况"
    # a table with its own header after a heading is not joined
    run cell_text "$(cells < <(gx-tables "$FIX/stitch.stream.tsv") > "$TMP/c2"; echo "$TMP/c2")" "r3" ""
    assert_line "3|nohead"
}

@test "gx-tables: a header left at the end of the block before is the header of the next block" {
    gx-tables "$FIX/trailing-header.stream.tsv" | cells > "$TMP/c"
    run cell_text "$TMP/c" "一、主动公开情况 | （一）主动公开政府信息数" "统计数"
    assert_output "84655|stitched"
    run cell_text "$TMP/c" "一、主动公开情况 | （一）主动公开政府信息数" "单位"
    assert_output "条|stitched"
}

@test "gx-tables: a bad value pattern (GX_SHARE) is named with its table, row and offset in its own text" {
    cp -r "$GX_ROOT/share/gx" "$TMP/share"
    printf 'kind\tpattern\nnumber\t[0-9]+\nna\t(ab\n' > "$TMP/share/tables_values.tsv"
    printf 'doc\tline\tpage\tpara\tsec\tlevel\tkind\trole\ttable\trow\tcol\trowhead\tcolhead\ttext\nd\t1\t1\t\t\t\t\ttable\t1\t\t\t\t\ta\\t1\n' > "$TMP/in.tsv"
    GX_SHARE="$TMP/share" run gx-tables "$TMP/in.tsv"
    assert_failure 2
    assert_output --partial "tables_values.tsv: row 2: bad pattern at offset 3: missing closing parenthesis"
}

@test "gx-tables: no pattern is compiled for input without tables (empty input costs nothing)" {
    cp -r "$GX_ROOT/share/gx" "$TMP/share"
    printf 'kind\tpattern\nnumber\t(bad\n' > "$TMP/share/tables_values.tsv"
    : > "$TMP/empty.tsv"
    GX_SHARE="$TMP/share" run gx-tables "$TMP/empty.tsv"
    assert_success
}

@test "gx-tables: pdftotext -layout T4: columns from the leaf words of the header when the review columns print nothing" {
    # 001: values under the litigation columns only, the header wider than
    # the values; 002: header letters spaced one apart, one space between
    # words. Both as the tab-separated T4: paths, texts, empty review cells.
    for s in 001 002; do
        layout_cells "$FIX/$s.layout.txt" 9 | awk -F'\t' '$5 ~ /^行政(复议|诉讼)/' | cut -f4- > "$TMP/l"
        tab_cells ${s}_t4 | cut -f4- > "$TMP/t"
        [ "$(wc -l < "$TMP/t")" -eq 15 ]
        run diff "$TMP/t" "$TMP/l"
        assert_success
    done
    # 001: the five review cells are empty, the litigation ones hold 2 1 0 2 5 0 0 0 0 0
    layout_cells "$FIX/001.layout.txt" 9 | awk -F'\t' '$5 ~ /^行政(复议|诉讼)/ {printf "%s,", $6}' > "$TMP/v"
    [ "$(cat "$TMP/v")" = ",,,,,2,1,0,2,5,0,0,0,0,0," ]
}

@test "gx-tables: pdftotext -layout T4 of whole reports: header words wrapped inside their cells, a header cut by a page break" {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    # 001: "结果 维"/"持", "未经复议直接"/"起诉", "行政复"/"议", the header over
    # two pages, the review columns empty; 002: "结果"/"维持" stacked
    for s in 001 002; do
        gx-segment "$GX_ROOT/tests/fixtures/segment/$s.layout.txt" | gx-tables |
            awk -F'\t' '$8=="cell" && $13 ~ /^行政(复议|诉讼) \|/ {gsub(/ /,"",$14); print $12 "\t" $13 "\t" $14}' > "$TMP/l"
        tab_cells ${s}_t4 | cut -f4- > "$TMP/t"
        run diff "$TMP/t" "$TMP/l"
        assert_success
    done
}

@test "gx-tables: the words of tables_words.tsv: a 其中 row is a part of the row above" {
    gx-segment "$GX_ROOT/share/samples/000_fda1f0f22a5f0f10.txt" | gx-tables > "$TMP/doc"
    run awk -F'\t' '$8 == "cell" && $2 == 239 { print $12; exit }' "$TMP/doc"
    assert_output "一、主动公开情况 | （一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） | 其中：主动公开规范性文件数"
    # another breakdown word in an edited copy of the tables: the row is a sibling
    cp -r "$GX_ROOT/share/gx" "$TMP/share"
    sed -i 's/^其中\tbreakdown/其内\tbreakdown/' "$TMP/share/tables_words.tsv"
    gx-segment "$GX_ROOT/share/samples/000_fda1f0f22a5f0f10.txt" | GX_SHARE="$TMP/share" gx-tables > "$TMP/doc2"
    run awk -F'\t' '$8 == "cell" && $2 == 239 { print $12; exit }' "$TMP/doc2"
    assert_output "一、主动公开情况 | 其中：主动公开规范性文件数"
}
