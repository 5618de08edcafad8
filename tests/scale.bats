#!/usr/bin/env bats
# Scale-out: the tools keep no state across documents, so any split of the
# reports over processes (GNU parallel, xargs -P, one mapper per file) gives
# the same facts as one process, order aside; and the concatenated outputs
# of several processes (a header from each) are accepted by the next tool.
# The reports are 50 made by bench/mkcorpus from the samples, in every input
# form (UTF-8, CRLF, GB18030, UTF-16, markdown, HTML, pdftotext -layout).

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup_file() {
    export CORPUS="$BATS_FILE_TMPDIR/corpus"
    "$GX_ROOT/bench/mkcorpus" -n 50 -s 7 -o "$CORPUS" >&2
}

setup() {
    TMP=$(mktemp -d)
    FILES=("$CORPUS"/r[0-9]*)
    [ "${#FILES[@]}" -eq 50 ] || fail "bench/mkcorpus made ${#FILES[@]} reports, not 50"
}
teardown() {
    rm -rf "$TMP"
}

need() {
    for t in "$@"; do
        command -v "$t" > /dev/null || skip "$t is not built"
    done
}
need_parallel() {
    command -v parallel > /dev/null || fail "GNU parallel is not installed (scripts/deps installs it)"
}

# The records of a gx-TSV file without its header lines, sorted.
body() {
    local hdr
    hdr=$(head -1 "$1")
    grep -vxF -e "$hdr" "$1" | LC_ALL=C sort
}

# One process over all reports: the reference.
facts_one() {
    gx-segment "${FILES[@]}" | gx-tables | gx-normalize > "$TMP/one.tsv"
    local st=("${PIPESTATUS[@]}")
    [ "${st[*]}" = "0 0 0" ] || fail "one process: exit statuses ${st[*]}"
    # sanity: every report has facts, and there are many
    run sh -c "tail -n +2 '$TMP/one.tsv' | cut -f1 | sort -u | wc -l"
    assert_output 50
    [ "$(wc -l < "$TMP/one.tsv")" -gt 1000 ] || fail "only $(wc -l < "$TMP/one.tsv") lines of facts"
}

@test "parallel -j2, five reports a job: the same facts as one process, order aside" {
    need gx-segment gx-tables gx-normalize
    need_parallel
    facts_one
    parallel --will-cite -j2 -n5 'gx-segment {} | gx-tables | gx-normalize' ::: "${FILES[@]}" > "$TMP/par.tsv"
    # ten jobs: ten headers, all the same as the one process's
    run grep -cxF -e "$(head -1 "$TMP/one.tsv")" "$TMP/par.tsv"
    assert_output 10
    diff <(body "$TMP/one.tsv") <(body "$TMP/par.tsv")
}

@test "parallel --sshlogin (ssh stood in by a local shell), reports on a shared path: the same facts" {
    need gx-segment gx-tables gx-normalize
    need_parallel
    facts_one
    parallel --will-cite --ssh "$GX_ROOT/tests/fixtures/scale/ssh" -S 1/hostA,1/hostB -n5 \
        'gx-segment {} | gx-tables | gx-normalize' ::: "${FILES[@]}" > "$TMP/ssh.tsv"
    run grep -cxF -e "$(head -1 "$TMP/one.tsv")" "$TMP/ssh.tsv"
    assert_output 10
    diff <(body "$TMP/one.tsv") <(body "$TMP/ssh.tsv")
}

@test "xargs -P2 -n5, one output file per process: the same facts as one process, order aside" {
    # Not one shared standard output: two processes writing into one pipe or
    # file interleave at their buffer boundaries and cut lines in two.
    need gx-segment gx-tables gx-normalize
    facts_one
    mkdir "$TMP/out"
    printf '%s\0' "${FILES[@]}" |
        xargs -0 -P2 -n5 sh -c 'gx-segment "$@" | gx-tables | gx-normalize > "$0/facts.$$.tsv"' "$TMP/out"
    [ "$(ls "$TMP/out" | wc -l)" -eq 10 ] || fail "$(ls "$TMP/out" | wc -l) output files, not 10"
    cat "$TMP/out"/facts.*.tsv > "$TMP/xargs.tsv"
    run grep -cxF -e "$(head -1 "$TMP/one.tsv")" "$TMP/xargs.tsv"
    assert_output 10
    diff <(body "$TMP/one.tsv") <(body "$TMP/xargs.tsv")
}

@test "parallel -j2 through gx-check: the same findings as one process, order aside" {
    need gx-segment gx-tables gx-normalize gx-check
    need_parallel
    gx-segment "${FILES[@]}" | gx-tables | gx-normalize | gx-check --all > "$TMP/one.tsv" || true
    [ "$(wc -l < "$TMP/one.tsv")" -gt 50 ] || fail "only $(wc -l < "$TMP/one.tsv") lines of findings"
    parallel --will-cite -j2 -n7 'gx-segment {} | gx-tables | gx-normalize | gx-check --all' \
        ::: "${FILES[@]}" > "$TMP/par.tsv" || true
    diff <(body "$TMP/one.tsv") <(body "$TMP/par.tsv")
}

@test "one process per report, the report on standard input named by --doc (a streaming mapper): the same facts" {
    need gx-segment gx-tables gx-normalize
    facts_one
    for f in "${FILES[@]}"; do
        gx-segment --doc "$f" - < "$f" | gx-tables | gx-normalize || fail "$f: gx-normalize failed"
    done > "$TMP/map.tsv"
    diff <(body "$TMP/one.tsv") <(body "$TMP/map.tsv")
}

@test "a Hadoop Streaming mapper over a list of paths (NLineInputFormat: offset, tab, path), two splits: the same facts" {
    need gx-segment gx-tables gx-normalize
    facts_one
    # the mapper of gx(7), with cat standing in for hdfs dfs -cat
    cat > "$TMP/gx-mapper" <<'MAPPER'
#!/bin/sh
tab=$(printf '\t')
while IFS= read -r line; do
    path=${line#*"$tab"}
    cat "$path" | gx-segment --doc "$path" -
done | gx-tables | gx-normalize
MAPPER
    chmod +x "$TMP/gx-mapper"
    printf '%s\n' "${FILES[@]}" | awk '{ print (NR * 100) "\t" $0 }' > "$TMP/paths"
    head -n 25 "$TMP/paths" | "$TMP/gx-mapper" > "$TMP/part-00000"
    tail -n +26 "$TMP/paths" | "$TMP/gx-mapper" > "$TMP/part-00001"
    cat "$TMP/part-00000" "$TMP/part-00001" > "$TMP/map.tsv"
    diff <(body "$TMP/one.tsv") <(body "$TMP/map.tsv")
}

# Three processes over the reports in turn, outputs concatenated (three
# headers) and fed to the next tool: the same output, line for line, as the
# next tool on one process's output.
split3() {   # split3 CMD: run CMD (reading "$@") on three parts of FILES into $TMP/cat.tsv
    local a=("${FILES[@]:0:17}") b=("${FILES[@]:17:17}") c=("${FILES[@]:34}")
    { eval "$1" '"${a[@]}"'; eval "$1" '"${b[@]}"'; eval "$1" '"${c[@]}"'; } > "$TMP/cat.tsv"
    run grep -cxF -e "$(head -1 "$TMP/cat.tsv")" "$TMP/cat.tsv"
    assert_output 3
}

@test "gx-tables reads the concatenated document streams of three gx-segment processes" {
    need gx-segment gx-tables
    split3 'gx-segment'
    gx-segment "${FILES[@]}" | gx-tables > "$TMP/one.tsv"
    gx-tables "$TMP/cat.tsv" > "$TMP/two.tsv" || fail "gx-tables exit status $?"
    diff "$TMP/one.tsv" "$TMP/two.tsv"
}

@test "gx-normalize reads the concatenated cell streams of three gx-tables processes" {
    need gx-segment gx-tables gx-normalize
    split3 'seg_tables() { gx-segment "$@" | gx-tables; }; seg_tables'
    gx-segment "${FILES[@]}" | gx-tables | gx-normalize > "$TMP/one.tsv"
    gx-normalize "$TMP/cat.tsv" > "$TMP/two.tsv" || fail "gx-normalize exit status $?"
    diff "$TMP/one.tsv" "$TMP/two.tsv"
}

@test "gx-check reads the concatenated fact streams of three gx-normalize processes" {
    need gx-segment gx-tables gx-normalize gx-check
    split3 'facts() { gx-segment "$@" | gx-tables | gx-normalize; }; facts'
    gx-segment "${FILES[@]}" | gx-tables | gx-normalize | gx-check --all > "$TMP/one.tsv" || true
    gx-check --all "$TMP/cat.tsv" > "$TMP/two.tsv" || [ $? -le 1 ] || fail "gx-check exit status 2"
    diff "$TMP/one.tsv" "$TMP/two.tsv"
}
