/* Unit tests for rx.c: lazy compilation, lazy JIT, groups, padding rule. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rx.h"
#include "unit.h"
#include <pcre2.h>
#include <stdlib.h>

static bool have_jit(void)
{
    uint32_t j = 0;
    pcre2_config(PCRE2_CONFIG_JIT, &j);
    return j != 0;
}

static void test_lazy(void)
{
    gx_rx_stats s0 = gx_rx_get_stats();
    gx_rx r;
    gx_rx_set(&r, "(\\d+)件", 0, "t.tsv", 3);
    OK(r.re == NULL && gx_rx_get_stats().compiled == s0.compiled, "lazy: nothing compiled by gx_rx_set");
    static gx_rx never = GX_RX_INIT("(((never used", 0);   /* bad, but never used: no error */
    OK(never.re == NULL, "lazy: a static pattern is not compiled");
    const char *s = "共受理12件。";
    int rc = gx_rx_match(&r, s, strlen(s), 0, 0);
    EQ_INT(rc, 2, "lazy: first match compiles and matches (2 pairs)");
    EQ_INT(gx_rx_get_stats().compiled, s0.compiled + 1, "lazy: compiled once");
    OK(!r.jit, "lazy: no JIT after one match");
    size_t a, b;
    gx_rx_group(&r, 1, &a, &b);
    OK(a == 9 && b == 11, "group 1 offsets (bytes)");
    gx_rx_group(&r, 5, &a, &b);
    OK(a == GX_RX_UNSET && b == GX_RX_UNSET, "group out of range is unset");
    EQ_INT(gx_rx_match(&r, "无", strlen("无"), 0, 0), 0, "no match is 0");
    EQ_INT(gx_rx_get_stats().compiled, s0.compiled + 1, "still compiled once");
    gx_rx_free(&r);
}

static void test_unset_group(void)
{
    gx_rx r;
    gx_rx_set(&r, "(a)|(b)", 0, NULL, 0);
    int rc = gx_rx_match(&r, "xb", 2, 0, 0);
    EQ_INT(rc, 3, "alternation: rc counts up to the highest set group");
    size_t a, b;
    gx_rx_group(&r, 1, &a, &b);
    OK(a == GX_RX_UNSET, "a group that did not take part is unset");
    gx_rx_group(&r, 2, &a, &b);
    OK(a == 1 && b == 2, "group 2 set");
    gx_rx_free(&r);
    gx_rx nm;
    gx_rx_set(&nm, "(?<head>[一二三])、(?<num>\\d+)", 0, NULL, 0);
    EQ_INT(gx_rx_group_number(&nm, "num"), 2, "named group number");
    EQ_INT(gx_rx_group_number(&nm, "nope"), -1, "unknown name: -1");
    gx_rx_free(&nm);
}

static void test_start_and_anchor(void)
{
    gx_rx r;
    gx_rx_set(&r, "\\d+", 0, NULL, 0);
    const char *s = "a1b22c333";
    size_t a, b, start = 0;
    char got[32] = "";
    while (gx_rx_match(&r, s, strlen(s), start, GX_RX_VALID) > 0) {
        gx_rx_group(&r, 0, &a, &b);
        strncat(got, s + a, b - a);
        strcat(got, ",");
        start = b;
    }
    EQ_STR(got, "1,22,333,", "matches from a start offset");
    EQ_INT(gx_rx_match(&r, s, strlen(s), 0, GX_RX_ANCHORED), 0, "anchored: no digit at 0");
    EQ_INT(gx_rx_match(&r, s, strlen(s), 1, GX_RX_ANCHORED), 1, "anchored at 1");
    EQ_INT(gx_rx_match(&r, s, strlen(s), 100, 0), 0, "start past the end: no match");
    gx_rx_free(&r);
}

static void test_utf8(void)
{
    gx_rx r;
    gx_rx_set(&r, ".", 0, NULL, 0);
    const char bad[] = "\xff\xfe";
    OK(gx_rx_match(&r, bad, 2, 0, 0) < 0, "invalid UTF-8 checked: an error (< 0)");
    OK(gx_rx_match(&r, "中", 3, 0, GX_RX_VALID) == 1, "valid UTF-8 flag");
    size_t a, b;
    gx_rx_group(&r, 0, &a, &b);
    OK(a == 0 && b == 3, "a character is three bytes");
    gx_rx br;
    gx_rx_set(&br, ".", GX_RX_BYTES, NULL, 0);
    OK(gx_rx_match(&br, bad, 2, 0, 0) == 1, "GX_RX_BYTES: bytes, no UTF check");
    gx_rx_free(&r);
    gx_rx_free(&br);
}

static void test_compile_error(void)
{
    gx_rx r;
    gx_rx_set(&r, "(unclosed", 0, "x.tsv", 7);
    char err[200] = "";
    OK(!gx_rx_compile(&r, err, sizeof err), "bad pattern: compile fails");
    OK(strstr(err, "bad pattern at offset 9") != NULL, "message names the offset: %s", err);
    gx_rx ok;
    gx_rx_set(&ok, "fine", 0, NULL, 0);
    OK(gx_rx_compile(&ok, err, sizeof err) && ok.re != NULL, "good pattern compiles now");
    gx_rx_free(&ok);
}

/* The same answers before and after the JIT, which comes after
 * GX_RX_JIT_AFTER matches. */
static void test_jit_after_uses(void)
{
    if (!have_jit()) { OK(1, "# SKIP no JIT in this pcre2"); return; }
    gx_rx r;
    gx_rx_set(&r, "(\\d+)\\s*(件|条)", GX_RX_NOLITE, NULL, 0);   /* the pcre2 path */
    const char *s = "收到申请 27 件，答复 3条";
    gx_rx_stats s0 = gx_rx_get_stats();
    int same = 1;
    size_t a0 = 0, b0 = 0;
    for (int i = 0; i < GX_RX_JIT_AFTER + 5; i++) {
        if (i == GX_RX_JIT_AFTER - 2) OK(!r.jit, "no JIT before %d uses", GX_RX_JIT_AFTER);
        int rc = gx_rx_match(&r, s, strlen(s), 0, GX_RX_VALID);
        size_t a, b;
        gx_rx_group(&r, 1, &a, &b);
        if (i == 0) { a0 = a; b0 = b; }
        if (rc != 3 || a != a0 || b != b0) same = 0;
    }
    OK(r.jit, "JIT-compiled after %d uses", GX_RX_JIT_AFTER);
    EQ_INT(gx_rx_get_stats().jitted, s0.jitted + 1, "JIT-compiled once");
    OK(same && a0 == 13 && b0 == 15, "same groups by interpreter and JIT");
    OK(gx_rx_get_stats().copied > s0.copied, "an unpadded short subject is copied for the JIT");
    gx_rx_stats s1 = gx_rx_get_stats();
    gx_buf pb;
    gx_buf_init(&pb);
    gx_buf_adds(&pb, s);
    gx_rx_pad(&pb);
    EQ_INT(gx_rx_match(&r, pb.data, pb.len, 0, GX_RX_VALID | GX_RX_PADDED), 3, "padded subject matched");
    EQ_INT(gx_rx_get_stats().copied, s1.copied, "a padded subject is not copied");
    for (size_t i = 0; i < GX_RX_PAD; i++)
        if (pb.data[pb.len + i] != 0) { OK(0, "pad byte %zu is zero", i); break; }
    gx_buf_free(&pb);
    gx_rx_free(&r);
}

/* A long subject JIT-compiles at once; unpadded and longer than
 * GX_RX_COPY_MAX it is matched by the interpreter, with the same answer. */
static void test_jit_long_subject(void)
{
    if (!have_jit()) { OK(1, "# SKIP no JIT in this pcre2"); return; }
    size_t n = GX_RX_JIT_BYTES + 100;
    char *s = malloc(n);             /* exactly n bytes: nothing after */
    memset(s, 'a', n);
    memcpy(s + n - 4, "z123", 4);
    gx_rx r;
    gx_rx_set(&r, "z(\\d+)$", 0, NULL, 0);
    gx_rx_stats s0 = gx_rx_get_stats();
    EQ_INT(gx_rx_match(&r, s, n, 0, GX_RX_VALID), 2, "long unpadded subject matches");
    EQ_INT(gx_rx_get_stats().lite, s0.lite, "a long search is pcre2's, not the small matcher's");
    OK(r.jit, "a long subject JIT-compiles at once");
    EQ_INT(gx_rx_get_stats().interp_long, s0.interp_long + 1, "long unpadded subject: interpreter");
    size_t a, b;
    gx_rx_group(&r, 1, &a, &b);
    OK(a == n - 3 && b == n, "its group");
    free(s);
    gx_rx_free(&r);
}

static void test_replace(void)
{
    gx_rx r;
    gx_rx_set(&r, "\\d{4}年(度)?|政府信息公开", 0, NULL, 0);
    gx_buf out;
    gx_buf_init(&out);
    const char *t = "某市2021年度政府信息公开工作年度报告";
    int rc = gx_rx_replace(&r, t, strlen(t), "", &out, GX_RX_VALID);
    EQ_INT(rc, 2, "two replacements");
    EQ_STR(out.data, "某市工作年度报告", "replaced by nothing");
    gx_rx e;
    gx_rx_set(&e, "x*", 0, NULL, 0);
    rc = gx_rx_replace(&e, "abc", 3, "-", &out, 0);
    EQ_STR(out.data, "-a-b-c-", "empty matches as pcre2_substitute");
    gx_rx big;
    gx_rx_set(&big, "a", 0, NULL, 0);
    rc = gx_rx_replace(&big, "aaaa", 4, "long replacement ", &out, 0);
    EQ_INT(rc, 4, "output longer than first guess: 4 replacements");
    OK(out.len == 4 * strlen("long replacement "), "output grown");
    gx_buf_free(&out);
    gx_rx_free(&r);
    gx_rx_free(&e);
    gx_rx_free(&big);
}

static const char *lit_of(const char *pat, unsigned fl)
{
    static char buf[128];
    gx_rx r;
    gx_rx_set(&r, pat, fl, NULL, 0);
    const char *l;
    size_t n = gx_rx_literal(&r, &l);
    snprintf(buf, sizeof buf, "%.*s", (int)n, n ? l : "");
    gx_rx_free(&r);
    return buf;
}

/* The literal every match must contain, and matches with and without it. */
static void test_prefilter(void)
{
    EQ_STR(lit_of("(?:收到|受理)(?:(?!复议)[^。;,\\n]){0,20}?申请(\\d+)\\s*(?:余|多)?件", 0), "申请",
           "literal after groups: 申请 (the longest top-level run)");
    EQ_STR(lit_of("当面申请\\s*(\\d[\\d,]*)\\s*件", 0), "当面申请", "leading literal");
    EQ_STR(lit_of("(?<!不)同意公开(?:答复)?\\s*(\\d+)\\s*件", 0), "同意公开", "after a lookbehind");
    EQ_STR(lit_of("行政复议x?y", 0), "行政复议", "a char made optional by ? is not required");
    EQ_STR(lit_of("abc*d", 0), "ab", "nor by *");
    EQ_STR(lit_of("ab{2}cd", 0), "cd", "nor (conservatively) by {n}");
    EQ_STR(lit_of("xa+bc", 0), "xa", "a+ is required but ends the run");
    EQ_STR(lit_of("申请|收到", 0), "", "top-level alternative: none");
    EQ_STR(lit_of("(?i)abc", 0), "", "options: none");
    EQ_STR(lit_of("abc", GX_RX_CASELESS), "", "caseless: none");
    EQ_STR(lit_of("\\Qa.b\\E", 0), "", "quoted: none");
    EQ_STR(lit_of("[申请]+件数", 0), "件数", "a class is skipped");
    EQ_STR(lit_of("a\\.bcd", 0), "bcd", "an escape ends a run");
    EQ_STR(lit_of("(*UCP)(*UTF)^合计\\s*\\d", 0), "合计", "leading (*UCP)(*UTF) are skipped");
    EQ_STR(lit_of("(*LIMIT_MATCH=1000)(*CRLF)件数", 0), "件数", "and (*LIMIT_MATCH=n), (*CRLF)");
    EQ_STR(lit_of("(*UCP)(*MARK:x)件数", 0), "", "another verb: none");
    EQ_STR(lit_of("件数(*ACCEPT)", 0), "", "a verb after the start: none");

    gx_rx r;
    gx_rx_set(&r, "(?:收到|受理)[^。]{0,20}?申请(\\d+)件", GX_RX_LITERAL, NULL, 0);
    gx_rx_stats s0 = gx_rx_get_stats();
    const char *no = "共收到政府信息公开12件。";
    EQ_INT(gx_rx_match(&r, no, strlen(no), 0, 0), 0, "no 申请: no match");
    EQ_INT(gx_rx_get_stats().prefiltered, s0.prefiltered + 1, "answered by the prefilter");
    const char *yes = "共收到政府信息公开申请12件。";
    EQ_INT(gx_rx_match(&r, yes, strlen(yes), 0, 0), 2, "with 申请: matches");
    EQ_INT(gx_rx_get_stats().prefiltered, s0.prefiltered + 1, "not prefiltered");
    EQ_INT(gx_rx_match(&r, yes, strlen(yes), 33, 0), 0, "the literal before start does not count");
    gx_rx_free(&r);
}

/* A pattern within the small matcher's subset (rxlite.h) is matched by it
 * on short valid subjects, with pcre2's answers, and never compiled by
 * pcre2; \d is ASCII unless the pattern says (*UCP), as in pcre2. */
static void test_lite(void)
{
    gx_rx r, p, u;
    gx_rx_set(&r, "(\\d+)\\s*(件|条)", 0, NULL, 0);
    gx_rx_set(&p, "(\\d+)\\s*(件|条)", GX_RX_NOLITE, NULL, 0);
    gx_rx_set(&u, "(*UCP)\\G(?:(\\d+)\\s*(件|条))", 0, NULL, 0);
    const char *s = "收到申请 27 件，答复 ３条";
    size_t n = strlen(s);
    gx_rx_stats s0 = gx_rx_get_stats();
    bool same = true;
    for (size_t st = 0; st <= n; st++) {
        if (st < n && ((unsigned char)s[st] & 0xC0) == 0x80) continue;   /* (inside a character: pcre2's) */
        int a = gx_rx_match(&r, s, n, st, GX_RX_VALID), b = gx_rx_match(&p, s, n, st, GX_RX_VALID);
        if (a != b) same = false;
        for (int g = 0; a > 0 && g < a; g++) {
            size_t a0, a1, b0, b1;
            gx_rx_group(&r, g, &a0, &a1);
            gx_rx_group(&p, g, &b0, &b1);
            if (a0 != b0 || a1 != b1) same = false;
        }
    }
    OK(same, "the small matcher answers as pcre2 from every start offset");
    OK(r.re == NULL && r.lite != NULL && gx_rx_get_stats().lite > s0.lite, "it did, and pcre2 compiled nothing");
    EQ_INT(gx_rx_match(&r, s, n, 0, GX_RX_VALID | GX_RX_ANCHORED), 0, "anchored at 0: no match");
    EQ_INT(gx_rx_match(&r, s, n, 0, 0), 3, "a subject not known valid goes to pcre2");
    OK(r.re != NULL, "which compiles it then");
    size_t at = (size_t)(strstr(s, "３") - s), a, b;
    EQ_INT(gx_rx_match(&u, s, n, at, GX_RX_VALID), 3, "(*UCP): \\d takes a full-width digit, \\G holds at the start");
    gx_rx_group(&u, 1, &a, &b);
    OK(a == at && b == at + 3 && u.re == NULL, "its group, by the small matcher");
    EQ_INT(gx_rx_match(&u, s, n, at - 1, GX_RX_VALID), 0, "\\G: not at another offset");
    gx_buf o1, o2;
    gx_buf_init(&o1);
    gx_buf_init(&o2);
    int c1 = gx_rx_replace(&r, s, n, "#", &o1, GX_RX_VALID), c2 = gx_rx_replace(&p, s, n, "#", &o2, GX_RX_VALID);
    OK(c1 == 1 && c1 == c2 && strcmp(o1.data, o2.data) == 0, "a replacement by the small matcher is pcre2's (%s)", o1.data);
    gx_buf_free(&o1);
    gx_buf_free(&o2);
    gx_rx_free(&r);
    gx_rx_free(&p);
    gx_rx_free(&u);
}

int main(void)
{
    test_lazy();
    test_unset_group();
    test_start_and_anchor();
    test_utf8();
    test_compile_error();
    test_jit_after_uses();
    test_jit_long_subject();
    test_replace();
    test_prefilter();
    test_lite();
    return UNIT_DONE();
}
