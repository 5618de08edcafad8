#!/usr/bin/env bats
# The command-line surface every gx tool shares: --help, --version,
# completions, operands, --files0-from, gx-TSV header rules, write errors,
# closed pipes. Each test runs over all four tools.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
bats_require_minimum_version 1.5.0

TOOLS="gx-segment gx-tables gx-normalize gx-check"
SAMPLES="$GX_ROOT/share/samples"

setup() {
    for t in $TOOLS; do
        command -v "$t" >/dev/null || skip "$t is not built"
    done
    TMP=$(mktemp -d)
}
teardown() {
    rm -rf "$TMP"
}

# A valid input for each tool: its upstream's output on one sample.
input_for() {
    local f="$SAMPLES/002_17bcadf2ed5508d0.txt"
    case $1 in
    gx-segment) cp "$f" "$TMP/in" ;;
    gx-tables) gx-segment "$f" > "$TMP/in" ;;
    gx-normalize) gx-segment "$f" | gx-tables > "$TMP/in" ;;
    gx-check) gx-segment "$f" | gx-tables | gx-normalize > "$TMP/in" ;;
    esac
}

@test "every tool: --help shows usage, options, examples and exit status" {
    for t in $TOOLS; do
        run "$t" --help
        assert_success
        assert_line --partial "Usage: $t"
        assert_output --partial "--files0-from=F"
        assert_output --partial "Examples:"
        assert_output --partial "Exit status"
    done
}

@test "every tool: --version names the tool and the version" {
    for t in $TOOLS; do
        run "$t" --version
        assert_success
        assert_output --regexp "^$t \(gx\) [0-9]+\.[0-9]+\.[0-9]+$"
    done
}

@test "every tool: an unknown option is a usage error (exit 2) with a hint" {
    for t in $TOOLS; do
        run "$t" --no-such-option
        assert_failure 2
        assert_output --partial "unrecognized option '--no-such-option'"
        assert_output --partial "Try '$t --help'"
    done
}

@test "every tool: completions for bash, zsh, fish list the tool's options" {
    for t in $TOOLS; do
        run "$t" --completion=bash
        assert_success
        assert_output --partial "complete -o filenames -F"
        assert_output --partial "--files0-from="
        bash -n <(echo "$output")
        run "$t" --completion=zsh
        assert_success
        assert_line "#compdef $t"
        run "$t" --completion=fish
        assert_success
        assert_output --partial "complete -c $t -l no-header"
        run "$t" --completion=tcsh
        assert_failure 2
    done
}

@test "every tool: the committed completions match the option tables" {
    for t in $TOOLS; do
        diff <("$t" --completion=bash) "$GX_ROOT/completions/$t.bash"
        diff <("$t" --completion=zsh) "$GX_ROOT/completions/_$t"
        diff <("$t" --completion=fish) "$GX_ROOT/completions/$t.fish"
    done
}

@test "every tool: a missing file is reported, the good files around it are still processed, exit 2" {
    for t in $TOOLS; do
        input_for "$t"
        cp "$TMP/in" "$TMP/in2"
        run --separate-stderr "$t" "$TMP/in" "$TMP/missing" "$TMP/in2"
        [ "$status" -eq 2 ] || { echo "$t: status $status"; false; }
        [[ $stderr == *"$t: $TMP/missing: No such file or directory"* ]] || { echo "$t: $stderr"; false; }
        [ -n "$output" ]
        # both good files made output: compare with running them alone
        one=$("$t" "$TMP/in" | wc -l)
        two=$("$t" "$TMP/in" "$TMP/in2" | wc -l)
        [ "$(printf '%s\n' "$output" | wc -l)" -eq "$two" ]
        [ "$two" -gt "$one" ] || [ "$t" = gx-check ]
    done
}

@test "every tool: a directory operand is an error naming it" {
    for t in $TOOLS; do
        run "$t" "$TMP"
        assert_failure 2
        assert_output --partial "$t: $TMP: Is a directory"
    done
}

@test "every tool: --files0-from reads NUL-separated names, - for stdin" {
    for t in $TOOLS; do
        input_for "$t"
        want=$("$t" "$TMP/in")
        printf '%s\0' "$TMP/in" > "$TMP/list"
        run "$t" --files0-from="$TMP/list"
        [ "$output" = "$want" ] || { echo "$t differs"; false; }
        run sh -c "printf '%s\0' '$TMP/in' | $t --files0-from=-"
        [ "$output" = "$want" ] || { echo "$t differs (stdin list)"; false; }
        run "$t" --files0-from="$TMP/list" "$TMP/in"
        assert_failure 2
    done
}

@test "every tool: standard input is read when there are no operands, and as -" {
    for t in $TOOLS; do
        input_for "$t"
        a=$("$t" "$TMP/in" | cut -f2-)
        b=$("$t" < "$TMP/in" | cut -f2-)
        c=$("$t" - < "$TMP/in" | cut -f2-)
        [ "$a" = "$b" ] && [ "$b" = "$c" ] || { echo "$t differs on stdin"; false; }
    done
}

@test "every tool: --no-header drops exactly the header line" {
    for t in $TOOLS; do
        input_for "$t"
        a=$("$t" "$TMP/in" | tail -n +2)
        b=$("$t" --no-header "$TMP/in")
        [ "$a" = "$b" ] || { echo "$t"; false; }
    done
}

@test "every tool: a write error (/dev/full) is exit 2 with a message" {
    for t in $TOOLS; do
        input_for "$t"
        run sh -c "$t '$TMP/in' > /dev/full"
        assert_failure 2
        assert_output --partial "$t: write error"
    done
}

@test "every tool: a closed pipe ends the tool quietly" {
    for t in $TOOLS; do
        input_for "$t"
        for i in 1 2 3 4 5 6 7 8; do cat "$TMP/in"; done > "$TMP/big"
        [ "$t" = gx-segment ] || { head -1 "$TMP/in"; for i in $(seq 40); do tail -n +2 "$TMP/in"; done; } > "$TMP/big"
        run bash -c "set -o pipefail; $t '$TMP/big' 2>'$TMP/err' | head -1 >/dev/null; echo \${PIPESTATUS[0]}"
        [ ! -s "$TMP/err" ] || { echo "$t wrote:"; cat "$TMP/err"; false; }
        [ "$output" = 0 ] || { echo "$t status $output"; false; }
    done
}

@test "stream readers: concatenated outputs (repeated headers) are read as one stream" {
    input_for gx-tables
    want=$(gx-tables "$TMP/in" | tail -n +2 | sort | md5sum)
    got=$(cat "$TMP/in" "$TMP/in" | gx-tables | tail -n +2 | sort | uniq | md5sum)
    [ "$want" = "$got" ]
    n1=$(gx-tables "$TMP/in" | wc -l)
    n2=$(cat "$TMP/in" "$TMP/in" | gx-tables | wc -l)
    [ "$n2" -eq $(( 2 * n1 - 1 )) ]
}

@test "stream readers: a foreign first line is refused with file and line" {
    for t in gx-tables gx-normalize gx-check; do
        printf 'a\tb\tc\n1\t2\t3\n' > "$TMP/foreign"
        run "$t" "$TMP/foreign"
        assert_failure 2
        assert_output --partial "$t: $TMP/foreign:1: not the expected stream"
    done
}

@test "stream readers: a ragged record names file and line; the others are still read" {
    input_for gx-tables
    { head -3 "$TMP/in"; printf 'x\ty\n'; tail -n +4 "$TMP/in"; } > "$TMP/ragged"
    run --separate-stderr gx-tables "$TMP/ragged"
    assert_failure 2
    [[ $stderr == *"gx-tables: $TMP/ragged:4: record has 2 fields, header has 14"* ]]
    [ "$(printf '%s\n' "$output" | wc -l)" -eq "$(gx-tables "$TMP/in" | wc -l)" ]
}

@test "stream readers: another stream's header in the middle is an error" {
    input_for gx-tables
    { cat "$TMP/in"; printf 'doc\tyear\torg\tschema\tindicator\tdim\tvalue\tunit\tstate\tsource\tline\tref\tflags\traw\n'; } > "$TMP/mixed"
    run gx-tables "$TMP/mixed"
    assert_failure 2
    assert_output --partial "a different header in the middle of the stream"
}

@test "stream readers: empty input gives just a header and success" {
    for t in gx-tables gx-normalize gx-check; do
        run "$t" /dev/null
        assert_success
    done
}

@test "output: processes sharing one output file or pipe (xargs -P) never cut a record" {
    for i in $(seq 150); do cp "$SAMPLES/00$((i % 5))_"*.txt "$TMP/r$i.txt"; done
    want=0
    for f in "$TMP"/r*.txt; do want=$((want + $(awk 'END { print NR }' "$f"))); done
    ls "$TMP"/r*.txt | xargs -P 4 -n 10 gx-segment --no-header > "$TMP/file"
    ls "$TMP"/r*.txt | xargs -P 4 -n 10 gx-segment --no-header | cat > "$TMP/pipe"
    for out in file pipe; do
        awk -F'\t' 'NF != 14 { print FILENAME ": line " NR " has " NF " fields"; bad = 1 } END { exit bad }' "$TMP/$out"
        [ "$(wc -l < "$TMP/$out")" -eq "$want" ]
    done
}

@test "every tool: a file that cannot be read (EIO) is an error naming it; the next file is still read" {
    for t in $TOOLS; do
        input_for "$t"
        run --separate-stderr "$t" /proc/self/mem "$TMP/in"
        [ "$status" -eq 2 ] || { echo "$t: status $status"; false; }
        [[ $stderr == *"$t: /proc/self/mem: read error: Input/output error"* ]] || { echo "$t: $stderr"; false; }
        [ "$output" = "$("$t" "$TMP/in")" ] || { echo "$t: the good file's output differs"; false; }
    done
}

@test "stream readers: a NUL byte in a record is an error naming the line; the other records are read" {
    input_for gx-tables
    { head -3 "$TMP/in"; printf 'x\t1\t1\t1\t0\t0\tpreamble\ttext\t\t\t\t\t\ta\0b\n'; tail -n +4 "$TMP/in"; } > "$TMP/nul"
    for t in gx-tables gx-normalize; do
        run --separate-stderr "$t" "$TMP/nul"
        [ "$status" -eq 2 ]
        [[ $stderr == *"$t: $TMP/nul:4: NUL byte in a gx-TSV record"* ]] || { echo "$t: $stderr"; false; }
        [ "$output" = "$("$t" "$TMP/in")" ] || { echo "$t: output differs"; false; }
    done
}

@test "stream readers: backslashes that are not escapes pass through as themselves" {
    printf 'doc\tline\tpage\tpara\tsec\tlevel\tkind\trole\ttable\trow\tcol\trowhead\tcolhead\ttext\n' > "$TMP/bs"
    printf 'r\t1\t1\t1\t0\t0\tpreamble\ttext\t\t\t\t\t\tC:\\gx\\q \\x trailing\\\n' >> "$TMP/bs"
    run gx-tables --no-flags "$TMP/bs"
    assert_success
    # the value is unchanged; a literal backslash is written as \\ (gx-tsv(5))
    assert_line --index 1 $'r\t1\t1\t1\t0\t0\tpreamble\ttext\t\t\t\t\t\tC:\\\\gx\\\\q \\\\x trailing\\\\'
}

@test "every reader: a 100 MB line ends in output or a message with exit 2, never a signal" {
    [ "${GX_VALGRIND:-}" = 1 ] && skip "100 MB under valgrind takes too long"
    head -c 100000000 /dev/zero | tr '\0' 'a' > "$TMP/line"
    run gx-segment "$TMP/line"
    [ "$status" -eq 2 ]
    [[ $output == *"gx-segment: $TMP/line:1: line too long"* ]]
    input_for gx-tables
    { cat "$TMP/in"; printf 'x\t1\t1\t1\t0\t0\tpreamble\ttext\t\t\t\t\t\t'; cat "$TMP/line"; echo; } > "$TMP/big"
    for t in gx-tables gx-normalize; do
        "$t" "$TMP/big" > /dev/null 2> "$TMP/err" && rc=0 || rc=$?
        [ "$rc" -eq 0 ] || { [ "$rc" -eq 2 ] && [ -s "$TMP/err" ]; } || { echo "$t: status $rc"; false; }
    done
}
