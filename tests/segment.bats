#!/usr/bin/env bats
# gx-segment: headings, kinds, tables, noise and paragraphs on the five sample
# reports; input encodings and forms; bad input.
#
# The expected heading lists below were written from reading the sample
# reports (../shared/corpus/seeds) line by line, with the levels of spec §9.2
# and the kinds of §9.3.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

SEEDS="$GX_ROOT/../shared/corpus/seeds"
FIX="$GX_ROOT/tests/fixtures/segment"
S000="$SEEDS/000_fda1f0f22a5f0f10.txt"
S001="$SEEDS/001_18e24acce36058d8.txt"
S002="$SEEDS/002_17bcadf2ed5508d0.txt"
S003="$SEEDS/003_bb21a868ba19d59b.txt"
S004="$SEEDS/004_02dea9a19f414bf2.txt"

setup() {
    command -v gx-segment >/dev/null || skip "gx-segment is not built"
    TMP=$(mktemp -d)
}
teardown() {
    rm -rf "$TMP"
}

# "line:level:kind" of every heading, space-separated.
headings() {
    gx-segment "$@" | awk -F'\t' 'NR>1 && $8=="heading"{printf "%s:%s:%s ", $2, $6, $7} END{print ""}'
}
# the field of column $2 on line $3 of file $1
field() {
    gx-segment "$1" | awk -F'\t' -v c="$2" -v l="$3" 'NR>1 && $2==l {print $c}'
}
# role of each line in the range, space-separated
roles() {
    gx-segment "$1" | awk -F'\t' -v a="$2" -v b="$3" 'NR>1 && $2>=a && $2<=b {printf "%s ", $8} END{print ""}'
}

@test "header: the 14 columns of the document stream" {
    run bash -c "gx-segment '$S003' | head -1"
    assert_output "$(printf 'doc\tline\tpage\tpara\tsec\tlevel\tkind\trole\ttable\trow\tcol\trowhead\tcolhead\ttext')"
}

@test "one row per physical line, 14 fields each, text gives back the file" {
    for f in "$S000" "$S001" "$S002" "$S003" "$S004"; do
        n=$(gx-segment --no-header "$f" | wc -l)
        [ "$n" -eq "$(wc -l < "$f")" ] || [ "$n" -eq $(( $(wc -l < "$f") + 1 )) ]
        run bash -c "gx-segment --no-header '$f' | awk -F'\t' 'NF!=14' | wc -l"
        assert_output 0
        diff <(gx-segment --no-header "$f" | cut -f14 | sed 's/\\t/\t/g') <(sed -e '$a\' "$f")
    done
}

@test "000 (伊春 2017): headings, levels and kinds; 二、 is a container" {
    run headings "$S000"
    assert_output "8:1:overview 15:2:overview 28:2:overview 60:2:overview 66:2:overview 74:2:overview 92:2:overview 96:2:overview 106:1:container 108:2:proactive 133:2:requests 170:2:review_litigation 174:2:proposals 176:3:proposals 191:3:proposals 214:2:fees 218:1:problems 224:1:plan 228:1:appendix "
    assert_equal "$(field "$S000" 8 3)" title
    assert_equal "$(field "$S000" 5 176)" 2.4.1
    assert_equal "$(field "$S000" 5 191)" 2.4.2
    assert_equal "$(field "$S000" 8 230)" text          # a second 附表 line is not a new section
}

@test "000: the seven narrative mini-tables and the 统计表 are table blocks" {
    for r in 112:1 113:1 114:1 123:2 137:3 148:4 159:5 180:6 195:7 197:7 236:8 237:8 282:8 303:8; do
        assert_equal "$(field "$S000" 8 ${r%:*}):$(field "$S000" 9 ${r%:*})" "table:${r#*:}"
    done
    # blank lines inside the 统计表 stay in it (A-BLANKLINE)
    assert_equal "$(field "$S000" 8 256):$(field "$S000" 9 256)" "blank:8"
    assert_equal "$(field "$S000" 8 287):$(field "$S000" 9 287)" "blank:8"
    # captions are text, and 四、行政复议数量 inside the table is not a heading
    assert_equal "$(field "$S000" 8 116)" text
    assert_equal "$(field "$S000" 8 282)" table
}

@test "001 (伊春 2022): headings, kinds, three table blocks with their header rows" {
    run headings "$S001"
    assert_output "7:1:overview 11:2:overview 21:2:overview 31:2:overview 43:2:overview 51:1:proactive 69:1:requests 101:1:review_litigation 108:1:problems 118:1:other "
    for r in 53:1 54:1 57:1 58:1 59:1 67:1 71:2 72:2 74:2 91:2 92:2 99:2 103:3 104:3 106:3; do
        assert_equal "$(field "$S001" 9 ${r%:*})" "${r#*:}"
    done
    assert_equal "$(field "$S001" 8 58)" blank
    assert_equal "$(field "$S001" 8 74)" table     # 一、\t本年新收… is a row, not a heading
    assert_equal "$(field "$S001" 8 91)" table     # 3. 要求提供公开出版物\t… likewise
    assert_equal "$(field "$S001" 9 68)" ""        # the blank after a block is not in it
}

@test "002 (伊美 2020): headings incl. run-in 1、**…** ones; bulletin and attachment list are noise" {
    run headings "$S002"
    assert_output "9:1:overview 15:2:overview 17:3:overview 37:3:overview 47:3:overview 71:2:overview 79:2:overview 83:2:overview 89:1:proactive 112:1:requests 146:1:review_litigation 155:1:problems 157:2:problems 161:2:problems 165:1:other "
    assert_equal "$(field "$S002" 8 3) $(field "$S002" 8 5)" "title title"
    # the pasted 区长专线工作日报, lines 49-65: noise, none of it a heading
    run roles "$S002" 49 65
    assert_output "noise blank noise blank noise blank noise blank noise blank noise blank noise blank noise blank noise "
    # the attachment list, lines 21-35
    run roles "$S002" 21 35
    assert_output "noise blank noise blank noise blank noise blank noise blank noise blank noise blank noise "
    # the sentence the bulletin interrupts (47 … 67) is one paragraph
    assert_equal "$(field "$S002" 4 47)" "$(field "$S002" 4 67)"
    # the wrapped label 4. 保护第三方合 / 法权益 and the separator row stay in T3 / T2
    assert_equal "$(field "$S002" 9 126):$(field "$S002" 9 127):$(field "$S002" 9 128)" "2:2:2"
    assert_equal "$(field "$S002" 9 110)" 1
    assert_equal "$(field "$S002" 9 153)" 3
}

@test "003 (伊春 2013): run-in headings; generic 二、…基本情况 takes its children's kind" {
    run headings "$S003"
    assert_output "9:1:overview 13:2:overview 15:2:overview 17:2:overview 19:2:overview 21:2:overview 23:2:overview 25:1:proactive 27:2:proactive 29:2:proactive 31:1:requests 35:1:fees 39:1:review_litigation 43:1:problems 47:2:problems 49:2:problems 51:2:problems 53:2:problems 55:2:problems "
    assert_equal "$(field "$S003" 8 1)" title
    assert_equal "$(field "$S003" 8 3)" text
    assert_equal "$(field "$S003" 8 63)" noise      # 无标题文档
    run bash -c "gx-segment '$S003' | awk -F'\t' 'NR>1 && \$9!=\"\"' | wc -l"
    assert_output 0
}

@test "004 (榆树 2017): headings; one-cell-per-line table is one block; chart residue is noise" {
    run headings "$S004"
    assert_output "2:1:overview 4:2:overview 10:2:overview 11:2:overview 12:2:overview 13:2:overview 14:2:overview 15:1:proactive 20:1:response 23:1:requests 27:1:review_litigation 29:1:fees 31:1:other 33:1:problems 34:2:problems 36:2:problems 39:1:appendix "
    # lines 62-326: one block, blank lines between the records included
    run bash -c "gx-segment '$S004' | awk -F'\t' 'NR>1 && \$2>=62 && \$2<=326 && \$9!=1' | wc -l"
    assert_output 0
    assert_equal "$(field "$S004" 8 62)" table      # \t统 计 指 标
    assert_equal "$(field "$S004" 8 67)" table      # \t : an empty value cell
    assert_equal "$(field "$S004" 8 71)" table      # wrapped label without a TAB
    assert_equal "$(field "$S004" 8 112)" table
    assert_equal "$(field "$S004" 8 65)" blank
    # chart residue 330-362: no heading, no table, every non-blank line noise
    run bash -c "gx-segment '$S004' | awk -F'\t' 'NR>1 && \$2>=327 && (\$9!=\"\" || (\$8!=\"noise\" && \$8!=\"blank\"))' | wc -l"
    assert_output 0
    assert_equal "$(field "$S004" 8 334)" noise
    assert_equal "$(field "$S004" 8 358)" noise
}

@test "no line with a TAB is a heading, in any sample" {
    for f in "$S000" "$S001" "$S002" "$S003" "$S004"; do
        run bash -c "gx-segment '$f' | awk -F'\t' 'NR>1 && \$8==\"heading\" && \$14 ~ /\\\\t/' | wc -l"
        assert_output 0
    done
}

@test "A-PARA: lines split by blank lines mid-sentence share a paragraph (000:15-25, 001:27-29)" {
    p=$(field "$S000" 4 15)
    for l in 19 23 25; do assert_equal "$(field "$S000" 4 $l)" "$p"; done
    assert_equal "$(field "$S001" 4 27)" "$(field "$S001" 4 29)"
    # a sentence that ended starts a new paragraph
    [ "$(field "$S000" 4 13)" != "$(field "$S000" 4 15)" ]
}

@test "encodings: GB18030, UTF-16LE/BE with BOM, CRLF with BOM give the same stream but doc" {
    gx-segment --no-header "$S002" | cut -f2- > "$TMP/want"
    for f in 002.gb18030.txt 002.utf16le.txt 002.utf16be.txt 002.crlf-bom.txt; do
        gx-segment --no-header "$FIX/$f" | cut -f2- > "$TMP/got"
        diff "$TMP/want" "$TMP/got"
    done
}

@test "lone CR line ends, form feeds advance the page, zero-width characters dropped" {
    printf '一、概述\r正文。\n\f第二页\r\n\xe2\x80\x8b二、主动公开\xe2\x80\x8b情况\n' > "$TMP/a.txt"
    run gx-segment --no-header "$TMP/a.txt"
    assert_success
    assert_line --index 0 "$(printf '%s\t1\t1\t1\t1\t1\toverview\theading\t\t\t\t\t\t一、概述' "$TMP/a.txt")"
    assert_line --index 2 --partial "$(printf '\t3\t2\t')"
    assert_line --index 3 --partial "$(printf '\t4\t2\t')"
    assert_line --index 3 --partial "$(printf 'proactive\theading\t\t\t\t\t\t二、主动公开情况')"
}

@test "--doc sets the doc column; - reads standard input" {
    run bash -c "gx-segment --no-header --doc X - < '$S003' | cut -f1 | sort -u"
    assert_output X
    run bash -c "gx-segment --no-header < '$S003' | cut -f1 | sort -u"
    assert_equal "$output" "-"
}

@test "bad input: empty file, directory, missing file -> message, exit 2, good files still done" {
    : > "$TMP/empty.txt"
    run gx-segment --no-header "$TMP/empty.txt" "$S003" "$TMP" "$TMP/missing.txt"
    assert_failure 2
    assert_line --partial "gx-segment: $TMP/empty.txt: empty file"
    assert_line --partial "gx-segment: $TMP: Is a directory"
    assert_line --partial "gx-segment: $TMP/missing.txt: No such file or directory"
    run bash -c "gx-segment --no-header '$TMP/empty.txt' '$S003' 2>/dev/null | wc -l"
    assert_output "$(gx-segment --no-header "$S003" | wc -l)"
}

@test "bad input: NUL bytes and binary data name the line" {
    printf 'line one\nline two\nab\0cd\n' > "$TMP/nul.txt"
    run gx-segment "$TMP/nul.txt"
    assert_failure 2
    assert_line --partial "gx-segment: $TMP/nul.txt:3: NUL byte"
    head -c 3000 /bin/sh > "$TMP/bin.txt"
    run gx-segment "$TMP/bin.txt" "$S003"
    assert_failure 2
    assert_line --partial "gx-segment: $TMP/bin.txt:"
    assert_line --partial "2013年伊春市政府信息公开工作报告"
}

@test "bad input: bytes that are neither UTF-8 nor GB18030 name the line" {
    printf 'ok\nstill ok\n\x80\x80\xff\xff\n' > "$TMP/bad.txt"
    run gx-segment "$TMP/bad.txt"
    assert_failure 2
    assert_line --partial "gx-segment: $TMP/bad.txt:3: invalid bytes"
    # a UTF-8 report with one broken byte is not taken for GB18030
    { head -20 "$S002"; printf 'broken \xff byte\n'; } > "$TMP/broken.txt"
    run gx-segment "$TMP/broken.txt"
    assert_failure 2
    assert_line --partial "gx-segment: $TMP/broken.txt:21: invalid UTF-8 byte 0xFF"
}

@test "bad input: a 30 MB line is refused with its line number, no crash" {
    { echo 一、概述; head -c 31457280 /dev/zero | tr '\0' 'a'; echo; } > "$TMP/long.txt"
    run gx-segment "$TMP/long.txt" "$S003"
    assert_failure 2
    assert_line --partial "gx-segment: $TMP/long.txt:2: line too long"
    assert_line --partial "2013年伊春市政府信息公开工作报告"
}

@test "output errors: /dev/full is exit 2; a closed pipe is quiet" {
    run bash -c "gx-segment '$S000' > /dev/full"
    assert_failure 2
    run bash -c "gx-segment '$S000' '$S004' | head -1"
    assert_success
    refute_output --partial "gx-segment:"
}

@test "--from: unknown form is a usage error" {
    run gx-segment --from pdf "$S003"
    assert_failure 2
    assert_output --partial "unknown form"
}

# sec:level:kind of the title and heading lines, in order
outline() {
    gx-segment "$@" | awk -F'\t' 'NR>1 && ($8=="heading"||$8=="title"){printf "%s:%s:%s ", $5, $6, $7} END{print ""}'
}

@test "HTML and markdown versions of 002 give the same headings and kinds as the text" {
    want=$(outline "$S002")
    [ -n "$want" ]
    run outline "$FIX/002.html"
    assert_output "$want"
    run outline --from html "$FIX/002.html"
    assert_output "$want"
    run outline "$FIX/002.md"
    assert_output "$want"
    run outline --from markdown "$FIX/002.md"
    assert_output "$want"
    # the bulletin and the attachment list are noise in every form
    for f in "$S002" "$FIX/002.html" "$FIX/002.md"; do
        run bash -c "gx-segment '$f' | awk -F'\t' '\$8==\"noise\"' | wc -l"
        assert_output 17
    done
}

@test "HTML: script, style, comments and <title> dropped; entities decoded; one line per block" {
    run gx-segment --no-header "$FIX/002.html"
    assert_success
    refute_output --partial "不是标题"
    refute_output --partial "注释里的标题"
    refute_output --partial "三、脚本"
    refute_output --partial "td {"
    refute_output --partial "&#x"
    refute_output --partial "<p>"
    assert_line --index 0 --partial "$(printf 'title\t\t\t\t\t\t伊美区人民政府')"
    assert_line --index 2 --partial "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，由"
}

@test "HTML: each <tr> is one TAB line with colspan/rowspan expanded, no cell shifted" {
    gx-segment --no-header "$FIX/002.html" > "$TMP/out"
    # T3 has 10 columns: every row of table 2 has 10 cells
    run bash -c "awk -F'\t' '\$9==2' '$TMP/out' | cut -f14 | awk -F'\\\\\\\\t' '{print NF}' | sort -u"
    assert_output 10
    # T4 has 15 columns
    run bash -c "awk -F'\t' '\$9==3' '$TMP/out' | cut -f14 | awk -F'\\\\\\\\t' '{print NF}' | sort -u"
    assert_output 15
    run cat "$TMP/out"
    # rowspan: 三、本年度办理结果 on its first row only, the leaf of (三) in column 3
    assert_line --partial "$(printf 'table\t2\t\t\t\t\t三、本年度办理结果\\t(一)予以公开\\t\\t0')"
    assert_line --partial "$(printf 'table\t2\t\t\t\t\t\\t\\t2.其他法律行政法规禁止公开\\t0')"
    assert_line --partial "$(printf 'table\t3\t\t\t\t\t\\t\\t\\t\\t\\t结果维持\\t结果纠正')"
}

@test "HTML: colspan/rowspan grid on a small table" {
    cat > "$TMP/t.html" <<'HTML'
<html><body><p>一、概述</p>
<table><tr><td rowspan="2">A</td><td colspan="2">B</td><td>C</td></tr>
<tr><td>d</td><td>e</td><td rowspan=2>f</td></tr>
<tr><td>g</td><td colspan=2>h &amp; &lt;i&gt;</td></tr></table>
<p>x&nbsp;y&#20108;&#x4E09;</p></body></html>
HTML
    run bash -c "gx-segment --no-header '$TMP/t.html' | cut -f8,9,14"
    assert_success
    assert_line --index 0 "$(printf 'heading\t\t一、概述')"
    assert_line --index 1 "$(printf 'table\t1\tA\\tB\\t\\tC')"
    assert_line --index 2 "$(printf 'table\t1\t\\td\\te\\tf')"
    assert_line --index 3 "$(printf 'table\t1\tg\\th & <i>\\t\\t')"
    assert_line --index 4 "$(printf 'text\t\tx\xc2\xa0y二三')"
}

@test "markdown: pipe tables are table blocks, # and ** kept raw in text, ignored for headings" {
    gx-segment --no-header "$FIX/002.md" > "$TMP/out"
    run bash -c "awk -F'\t' '\$14 ~ /^\\|/ && \$8!=\"table\"' '$TMP/out' | wc -l"
    assert_output 0
    run bash -c "awk -F'\t' '\$8==\"table\"{print \$9}' '$TMP/out' | sort -u | tr '\n' ' '"
    assert_output "1 2 3 "
    run cat "$TMP/out"
    assert_line --partial "$(printf 'heading\t\t\t\t\t\t## 一、总体情况')"
    assert_line --partial "$(printf 'heading\t\t\t\t\t\t1、**强化组织领导')"
}

@test "--from text on an HTML page keeps the markup as text" {
    run bash -c "gx-segment --no-header --from text '$FIX/002.html' | awk -F'\t' '\$8==\"heading\"' | wc -l"
    assert_output 0
}

@test "pdftotext -layout version of 002: space-aligned tables are whole blocks, same headings" {
    want=$(headings "$S002" | tr ' ' '\n' | grep . | cut -d: -f2- | tr '\n' ' ')
    got=$(gx-segment "$FIX/002.layout.txt" | awk -F'\t' 'NR>1 && $8=="heading"{printf "%s:%s ", $6, $7}')
    assert_equal "$got" "$want"
    # T2 129-162 (caption and header rows included), T3 169-248, T4 255-264
    run bash -c "gx-segment '$FIX/002.layout.txt' | awk -F'\t' 'NR>1 && \$9!=\"\"{ if(!(\$9 in a)) a[\$9]=\$2; b[\$9]=\$2} END{for(k=1;k in a;k++) printf \"%s:%s-%s \", k, a[k], b[k]}'"
    assert_output "1:129-162 2:169-248 3:255-264 "
    # wrapped labels like "     2.其他法律行政法规" are table lines, never headings
    assert_equal "$(field "$FIX/002.layout.txt" 8 190)" table
    assert_equal "$(field "$FIX/002.layout.txt" 8 200)" table
    # form feeds advance the page
    [ "$(field "$FIX/002.layout.txt" 3 288)" -gt 1 ]
    # the bulletin (66-85) is noise and the sentence it interrupts (63-64 … 87) one paragraph
    run roles "$FIX/002.layout.txt" 66 85
    refute_output --partial heading
    refute_output --partial text
    assert_equal "$(field "$FIX/002.layout.txt" 4 64)" "$(field "$FIX/002.layout.txt" 4 87)"
}

@test "--files0-from reads NUL-separated names; one header for many files" {
    printf '%s\0%s\0' "$S003" "$S001" > "$TMP/list"
    run bash -c "gx-segment --files0-from='$TMP/list' | cut -f1 | sort | uniq -c | sort -k2 | awk '{print \$1}' | tr '\n' ' '"
    assert_output "$(( $(wc -l < "$S001") + 1 )) 63 1 "
    run bash -c "find '$SEEDS' -name '00[34]*.txt' -print0 | gx-segment --files0-from=- | grep -c '^doc'"
    assert_output 1
}

@test "--help names the options, examples and exit status" {
    run gx-segment --help
    assert_success
    assert_output --partial "--from=FORM"
    assert_output --partial "--doc=NAME"
    assert_output --partial "Exit status"
}

@test "pdftotext -layout of whole reports 000 and 001: same outline as the text, every table one block" {
    for n in 000 001; do
        src=$(ls "$SEEDS"/${n}_*.txt)
        want=$(gx-segment "$src" | awk -F'\t' 'NR>1 && $8=="heading"{printf "%s:%s:%s ", $5, $6, $7}')
        got=$(gx-segment "$FIX/$n.layout.txt" | awk -F'\t' 'NR>1 && $8=="heading"{printf "%s:%s:%s ", $5, $6, $7}')
        assert_equal "$got" "$want"
        tw=$(gx-segment "$src" | awk -F'\t' 'NR>1 && $9!=""{print $9}' | sort -un | wc -l)
        tg=$(gx-segment "$FIX/$n.layout.txt" | awk -F'\t' 'NR>1 && $9!=""{print $9}' | sort -un | wc -l)
        assert_equal "$tg" "$tw"
    done
    # the legacy table keeps its group rows (一、主动公开情况 … 九、…) and its header
    run bash -c "gx-segment '$FIX/000.layout.txt' | awk -F'\t' '\$9==8 && (\$14 ~ /^一、主动公开情况/ || \$14 ~ /^九、政府信息公开会议/ || \$14 ~ /^统计指标/)' | wc -l"
    assert_output 3
    # the T3 header of 001 (勾稽关系 … 申请人情况) is in table 2
    run bash -c "gx-segment '$FIX/001.layout.txt' | awk -F'\t' '\$9==2 && \$14 ~ /勾稽关系/' | wc -l"
    assert_output 1
}

@test "HTML: a page laid out in a table (CMS template) gives the same outline and data tables" {
    { echo '<html><body><table width="100%" class="layout"><tr><td><a href="/">首页</a> &gt; 政府信息公开</td></tr><tr><td>'
      sed -n '/<body>/,/<\/body>/p' "$FIX/002.html" | sed '1d;$d'
      echo '</td></tr><tr><td>主办单位：伊美区人民政府办公室</td></tr></table></body></html>'; } > "$TMP/cms.html"
    want=$(outline "$S002" | sed 's/^0:0:preamble 0:0:preamble //')
    run bash -c "gx-segment '$TMP/cms.html' | awk -F'\t' 'NR>1 && \$8==\"heading\"{printf \"%s:%s:%s \", \$5, \$6, \$7}'"
    assert_output "$want"
    run bash -c "gx-segment --no-header '$TMP/cms.html' | awk -F'\t' '\$9!=\"\"{print \$9}' | sort -u | tr '\n' ' '"
    assert_output "1 2 3 "
    run bash -c "gx-segment '$TMP/cms.html' | awk -F'\t' '\$9==2' | cut -f14 | awk -F'\\\\\\\\t' '{print NF}' | sort -u"
    assert_output 10
}

@test "knowledge is data: an edited sections.tsv (GX_SHARE) changes a kind without rebuilding" {
    mkdir "$TMP/share"
    sed 's/^plan\t工作思路\t$/other\t工作思路\t/' "$GX_ROOT/share/gx/sections.tsv" > "$TMP/share/sections.tsv"
    ! cmp -s "$TMP/share/sections.tsv" "$GX_ROOT/share/gx/sections.tsv"
    assert_equal "$(field "$S000" 7 224)" plan
    run bash -c "GX_SHARE='$TMP/share' gx-segment '$S000' | awk -F'\t' '\$2==224{print \$7}'"
    assert_output other
}

TFIX="$GX_ROOT/tests/fixtures/tables"

@test "pdftotext -layout: a note wrapped around the T3 head is in the table block" {
    # "(本列数据的勾稽关系为：…之" above the header, "和)" inside it: one note
    run roles "$TFIX/001.layout.txt" 50 52
    assert_output "table table table "
    assert_equal "$(field "$TFIX/001.layout.txt" 9 50)" "$(field "$TFIX/001.layout.txt" 9 51)"
    run roles "$TFIX/002.layout.txt" 64 66
    assert_output "table table table "
    # the stray "表" above the note stays text
    assert_equal "$(field "$TFIX/002.layout.txt" 8 62)" text
    # a text line with an unclosed bracket and no table below stays text
    printf '说明(见下文\n\n正文一段。\n' > "$TMP/t.txt"
    run roles "$TMP/t.txt" 1 3
    assert_output "text blank text "
}

@test "pdftotext -layout: a separator row below a table belongs to it" {
    # 002 T2 ends with "--------	-----	------------" (its last row)
    assert_equal "$(field "$TFIX/002.layout.txt" 8 58)" table
    assert_equal "$(field "$TFIX/002.layout.txt" 9 58)" "$(field "$TFIX/002.layout.txt" 9 55)"
    assert_equal "$(field "$TFIX/002.wrapped.txt" 9 37)" "$(field "$TFIX/002.wrapped.txt" 9 35)"
}

@test "pdftotext -layout: group rows 一、二、三、 of the legacy 统计表 stay in its block" {
    # 000.dense: header 5, group rows 6 16 26 between the rows, one block to 72
    run roles "$TFIX/000.dense.txt" 5 7
    assert_output "table table table "
    run bash -c "gx-segment '$TFIX/000.dense.txt' | awk -F'\t' 'NR>1 && \$2>=5 && \$2<=72 {print \$9}' | sort -u"
    assert_output "2"
    # the channel table above is a block of its own
    assert_equal "$(field "$TFIX/000.dense.txt" 9 1)" 1
    run bash -c "gx-segment '$TFIX/000.dense.txt' | awk -F'\t' '\$8==\"heading\"' | wc -l"
    assert_output 0
}

@test "HTML: the <title> is the title line (line 0) only when the body has none" {
    # the body has its own title lines: <title> stays out of the stream
    run bash -c "gx-segment --no-header '$FIX/002.html' | awk -F'\t' '\$2==0' | wc -l"
    assert_output 0
    # the same page without them: the <title> comes first, as line 0; body lines keep their numbers
    sed '11,12d' "$FIX/002.html" > "$TMP/p.html"
    run bash -c "gx-segment --no-header '$TMP/p.html' | head -2 | cut -f2,4,7,8,14"
    assert_line --index 0 "$(printf '0\t0\tpreamble\ttitle\t伊美区人民政府2020年政府信息公开工作年度报告')"
    assert_line --index 1 --partial "$(printf '1\t1\tpreamble\ttext\t本报告根据')"
    # entities decoded, white space runs one space
    printf '<html><head><title>\n 某县人民政府&amp;2019年政府信息公开\n\n工作年度报告 </title></head><body><p>一、总体情况</p></body></html>' > "$TMP/t.html"
    run bash -c "gx-segment --no-header '$TMP/t.html' | head -1 | cut -f2,8,14"
    assert_output "$(printf '0\ttitle\t某县人民政府&2019年政府信息公开 工作年度报告')"
    # a <title> that is no title (无标题文档, no 报告) is left out
    printf '<html><head><title>无标题文档</title></head><body><p>一、总体情况</p></body></html>' > "$TMP/n.html"
    run bash -c "gx-segment --no-header '$TMP/n.html' | awk -F'\t' '\$2==0' | wc -l"
    assert_output 0
    printf '<html><head><title>首页</title></head><body><p>一、总体情况</p></body></html>' > "$TMP/n2.html"
    run bash -c "gx-segment --no-header '$TMP/n2.html' | awk -F'\t' '\$2==0' | wc -l"
    assert_output 0
}

@test "knowledge is data: a noise pattern that starts with ^ but is not anchored as a whole still matches mid-line" {
    # the per-first-character shortcut must not apply to ^a|b
    cp -r "$GX_ROOT/share/gx" "$TMP/share"
    printf 'line\t^zzz|页脚$\ttest\n' >> "$TMP/share/segment_noise.tsv"
    printf '一、总体情况\n\n这是页脚\n正文。\n' > "$TMP/t.txt"
    run bash -c "GX_SHARE='$TMP/share' gx-segment --no-header '$TMP/t.txt' | cut -f8 | tr '\n' ' '"
    assert_output "heading blank noise text "
}
