/* Unit tests for the core library: gx-TSV, buffers, text helpers. */
#include "gx.h"
#include "text.h"
#include "unit.h"
#include <stdlib.h>

static void test_tsv(void)
{
    gx_record rec = {0};
    char line[] = "a\\tb\tc\\\\d\t\\N\t\tx\\qy\\n";
    int n = gx_tsv_split(&rec, line, strlen(line));
    EQ_INT(n, 5, "split: five fields");
    EQ_STR(rec.f[0], "a\tb", "split: \\t unescaped");
    EQ_STR(rec.f[1], "c\\d", "split: \\\\ unescaped");
    OK(rec.null[2] && rec.f[2][0] == 0, "split: \\N is null");
    OK(!rec.null[3] && rec.f[3][0] == 0, "split: empty is not null");
    EQ_STR(rec.f[4], "x\\qy\n", "split: other backslashes pass through, \\n unescaped");
    char one[] = "";
    EQ_INT(gx_tsv_split(&rec, one, 0), 1, "split: empty line is one empty field");
    char trail[] = "a\\";
    gx_tsv_split(&rec, trail, strlen(trail));
    EQ_STR(rec.f[0], "a\\", "split: trailing backslash kept");
    /* escapes only in later fields, and an escaped backslash before a tab */
    char late[] = "plain\tmore\tx\\ty\t\\N\tz\\\\\tend";
    EQ_INT(gx_tsv_split(&rec, late, strlen(late)), 6, "split: six fields");
    EQ_STR(rec.f[0], "plain", "split: plain field before the escapes");
    EQ_STR(rec.f[2], "x\ty", "split: escape in a later field");
    OK(rec.null[3], "split: \\N after an escaped field");
    EQ_STR(rec.f[4], "z\\", "split: escaped backslash at the end of a field");
    EQ_STR(rec.f[5], "end", "split: field after it");
    OK(!rec.null[5] && !rec.null[4], "split: only \\N is null");
    gx_record_free(&rec);
}

static void test_table_line(void)
{
    char text[] = "# comment\r\nh1\th2\r\n\n  \nr1\tx\n#\nlast";
    char *p = text, *line, *end = text + strlen(text);
    size_t n;
    long ln = 0;
    OK(gx_table_line(&p, end, &line, &n, &ln), "table line: first");
    EQ_STR(line, "h1\th2", "table line: comment skipped, CR removed");
    EQ_INT((int)n, 5, "table line: length without CR");
    EQ_INT((int)ln, 2, "table line: line number counts the comment");
    gx_table_line(&p, end, &line, &n, &ln);
    EQ_STR(line, "  ", "table line: a line of spaces is not blank (a row of empty fields)");
    gx_table_line(&p, end, &line, &n, &ln);
    EQ_STR(line, "r1\tx", "table line: next row");
    EQ_INT((int)ln, 5, "table line: blank line counted");
    OK(gx_table_line(&p, end, &line, &n, &ln) && strcmp(line, "last") == 0 && ln == 7,
       "table line: last line without LF, after a bare #");
    OK(!gx_table_line(&p, end, &line, &n, &ln), "table line: end");
}

static void test_norm(void)
{
    gx_buf b;
    gx_buf_init(&b);
    const char *s = "（一） 主动公开　情况";
    gx_norm_match(s, strlen(s), &b);
    EQ_STR(b.data, "(一)主动公开情况", "norm: full-width parens, spaces, U+3000");
    s = "结 果 维 持";
    gx_norm_match(s, strlen(s), &b);
    EQ_STR(b.data, "结果维持", "norm: spaced letters joined");
    s = "１２３，“三安全一稳定”\xc2\xa0x";
    gx_norm_match(s, strlen(s), &b);
    EQ_STR(b.data, "123,\"三安全一稳定\"x", "norm: full-width digits, quotes, NBSP");
    s = "a  \t b";
    gx_norm_keep_space(s, strlen(s), &b);
    EQ_STR(b.data, "a b", "norm_keep_space: runs become one space");
    s = "\xff\xfe" "ab";
    gx_norm_match(s, 4, &b);
    OK(b.len == 4, "norm: invalid bytes copied through");
    gx_norm_match("", 0, &b);
    EQ_STR(b.data, "", "norm: empty");
    gx_buf_free(&b);
}

static void test_width(void)
{
    EQ_INT(gx_display_width("ab", 2), 2, "width: ASCII");
    EQ_INT(gx_display_width("总计", strlen("总计")), 4, "width: CJK is 2");
}

static void test_cjk(void)
{
    struct { const char *s; long v; } t[] = {
        {"一", 1}, {"十", 10}, {"十二", 12}, {"二十", 20}, {"二十三", 23},
        {"一百零五", 105}, {"三千二百", 3200}, {"两万", 20000}, {"二0一八", 2018},
        {"二〇二二", 2022}, {"四", 4}, {"abc", -1}, {"", -1}, {"十一万", 110000},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        EQ_INT(gx_cjk_number(t[i].s, strlen(t[i].s)), t[i].v, "cjk_number(%s)", t[i].s);
}

static void test_utf8(void)
{
    int32_t cp;
    EQ_INT(gx_utf8_next("A", 1, &cp), 1, "utf8: ASCII");
    EQ_INT(gx_utf8_next("\xe4\xb8\x80", 3, &cp), 3, "utf8: 一 is 3 bytes");
    EQ_INT(cp, 0x4E00, "utf8: 一 is U+4E00");
    EQ_INT(gx_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4, "utf8: 4-byte");
    EQ_INT(gx_utf8_next("\xe4\xb8", 2, &cp), -1, "utf8: truncated");
    EQ_INT(gx_utf8_next("\xc0\x80", 2, &cp), -1, "utf8: overlong");
    EQ_INT(gx_utf8_next("\xed\xa0\x80", 3, &cp), -1, "utf8: surrogate");
    EQ_INT(gx_utf8_next("\xf4\x90\x80\x80", 4, &cp), -1, "utf8: above U+10FFFF");
    EQ_INT(gx_utf8_next("\x80", 1, &cp), -1, "utf8: lone continuation");
    OK(gx_utf8_valid("中文 ok", strlen("中文 ok")) && !gx_utf8_valid("\xff", 1), "utf8_valid");
}

static void test_trim(void)
{
    const char *s = "　 abc \xc2\xa0";
    size_t n = strlen(s);
    const char *p = gx_trim(s, &n);
    OK(n == 3 && memcmp(p, "abc", 3) == 0, "trim: Unicode spaces both ends");
}

static void test_buf(void)
{
    gx_buf b;
    gx_buf_init(&b);
    for (int i = 0; i < 1000; i++) gx_buf_printf(&b, "%d,", i);
    OK(b.len > 3000 && b.data[b.len] == 0, "buf: grows and stays NUL-terminated");
    gx_buf_reset(&b);
    EQ_INT(b.len, 0, "buf: reset");
    gx_buf_free(&b);
}

int main(void)
{
    test_tsv();
    test_table_line();
    test_norm();
    test_width();
    test_cjk();
    test_utf8();
    test_trim();
    test_buf();
    return UNIT_DONE();
}
