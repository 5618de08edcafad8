/* Unit tests for lib/segment_rx.c: the small matcher must answer as pcre2
 * does (UTF, UCP) wherever it answers at all. Checked against pcre2 itself:
 * the Unicode properties it claims to know, over every code point; every
 * pattern of the segment tables on every line of the five samples and on
 * made-up lines (numbering, footers, chart cells, line ends), with the
 * groups of each match. */
#include <stdlib.h>
#include "unit.h"
#include "gx.h"
#include "segment_rx.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static pcre2_code *pc(const char *pat)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                                   &err, &off, NULL);
    if (re) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static int utf8(long cp, char *o)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}

/* What segment_rx knows of \d, \s and \p{Han} is what pcre2 says. */
static void test_properties(void)
{
    pcre2_code *d = pc("^\\d$"), *s = pc("^\\s$"), *h = pc("^\\p{Han}$");
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    long bad_d = 0, bad_s = 0, bad_h = 0, known_d = 0, known_h = 0;
    for (long cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        char b[4];
        int k = utf8(cp, b);
        int vd = gx_srx_is_digit(cp), vs = gx_srx_is_space(cp), vh = gx_srx_is_han(cp);
        if (vd >= 0) {
            known_d++;
            if (vd != (pcre2_match(d, (PCRE2_SPTR)b, (size_t)k, 0, 0, md, NULL) > 0)) bad_d++;
        }
        if (vs != (pcre2_match(s, (PCRE2_SPTR)b, (size_t)k, 0, 0, md, NULL) > 0)) bad_s++;
        if (vh >= 0) {
            known_h++;
            if (vh != (pcre2_match(h, (PCRE2_SPTR)b, (size_t)k, 0, 0, md, NULL) > 0)) bad_h++;
        }
    }
    EQ_INT(bad_d, 0, "\\d: the known answers are pcre2's (%ld known)", known_d);
    EQ_INT(bad_s, 0, "\\s: every answer is pcre2's");
    EQ_INT(bad_h, 0, "\\p{Han}: the known answers are pcre2's (%ld known)", known_h);
    /* the answers that ask pcre2 for the rest (the BMP: enough to see the
       ranges and the questions meet) */
    long bad_x = 0;
    for (long cp = 0x80; cp <= 0xFFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        char b[4];
        int k = utf8(cp, b);
        if (gx_srx_digit(cp) != (pcre2_match(d, (PCRE2_SPTR)b, (size_t)k, 0, 0, md, NULL) > 0)) bad_x++;
        if (gx_srx_han(cp) != (pcre2_match(h, (PCRE2_SPTR)b, (size_t)k, 0, 0, md, NULL) > 0)) bad_x++;
    }
    EQ_INT(bad_x, 0, "\\d and \\p{Han} with pcre2 asked for the rest: every answer is pcre2's");
    OK(gx_srx_is_digit(0xFF11) == 1 && gx_srx_is_digit(0x4E00) == 0 && gx_srx_is_han(0x4E00) == 1 &&
       gx_srx_is_space(0x3000) == 1, "full-width digits, CJK ideographs and U+3000 are known");
    pcre2_match_data_free(md);
    pcre2_code_free(d);
    pcre2_code_free(s);
    pcre2_code_free(h);
}

/* the subjects: lines of the samples, and made-up ones */
static char **subj;
static size_t *subj_n;
static int nsubj, capsubj;

static void add_subject(const char *s, size_t n)
{
    if (nsubj == capsubj) {
        capsubj = capsubj ? capsubj * 2 : 1024;
        subj = realloc(subj, (size_t)capsubj * sizeof *subj);
        subj_n = realloc(subj_n, (size_t)capsubj * sizeof *subj_n);
    }
    subj[nsubj] = malloc(n + 1);
    memcpy(subj[nsubj], s, n);
    subj[nsubj][n] = 0;
    subj_n[nsubj++] = n;
}

static void load_subjects(void)
{
    static const char *const made[] = {
        "一、总体情况", "（一）主动公开情况", "(二) 依申请公开", "第一部分 概述", "第十二章：其他",
        "1、政府信息公开", "1.2 不是标题", "12. 标题", "１、全角数字", "（３）全角括号", "① 圈号",
        "附件1：统计表", "附 表", "附录", "附件", "- 3 -", "— 12 —", "第 3 页 共 9 页", "第3页",
        "3/9", "3 / 19", "无标题文档", "2件，占全天受理总量16%", "（占比 5%）", "当面申请 63",
        "当面申请　63.5", "0.741000000000001", "系列 1", "Series 2", "类别3", "销售额",
        "表 1 2017 年", "图2：", "表", "--------   -----", "═══", "____ ____",
        "报告.pdf", "发布日期：2020-01-01", "2019年度政府信息公开工作报告", "工作报告",
        "一、\v标题", "一、标题\n", "二、标题\r", "三、标题\xC2\x85", "四、标题\xE2\x80\xA8",
        "一、 ", "", " ", "一", "一、", "第", "(", "１２３", "\xF0\x9F\x98\x80 emoji",
        "一、总体情况。本机关……", "（一）标题  后文", "11、十一", "123、太长的号",
        "二十、标题", "百、标题", "〇、标题", "第一部分", "第一部分、", "（十）标题",
    };
    for (size_t i = 0; i < sizeof made / sizeof *made; i++) add_subject(made[i], strlen(made[i]));
    const char *root = getenv("GX_ROOT");
    static const char *const samples[] = {
        "000_fda1f0f22a5f0f10.txt", "001_18e24acce36058d8.txt", "002_17bcadf2ed5508d0.txt",
        "003_bb21a868ba19d59b.txt", "004_02dea9a19f414bf2.txt",
    };
    for (size_t f = 0; f < sizeof samples / sizeof *samples; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/share/samples/%s", root ? root : ".", samples[f]);
        gx_buf b;
        gx_buf_init(&b);
        if (!gx_slurp(path, &b)) continue;
        const char *p = b.data, *e = b.data + b.len;
        while (p < e) {
            const char *q = memchr(p, '\n', (size_t)(e - p));
            if (!q) q = e;
            size_t n = (size_t)(q - p);
            if (n && p[n - 1] == '\r') n--;
            add_subject(p, n);
            /* and its cells and its words: chart cells, captions, numbers */
            for (const char *a = p; a < p + n;) {
                const char *t = a;
                while (t < p + n && *t != '\t' && *t != ' ') t++;
                if (t > a && t - a < (long)n) add_subject(a, (size_t)(t - a));
                a = t + 1;
            }
            p = q + 1;
        }
        gx_buf_free(&b);
    }
}

/* One pattern on every subject; returns the number of disagreements. */
static long check_pattern(const char *pat, gx_srx *r, long *unknown)
{
    char full[4096];
    snprintf(full, sizeof full, "(*UCP)%s", pat);
    pcre2_code *re = pc(full);
    if (!re) return 1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    uint32_t ncap = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
    long bad = 0;
    for (int i = 0; i < nsubj; i++) {
        int v = gx_srx_match(r, subj[i], subj_n[i], 0);
        if (v < 0) { (*unknown)++; continue; }
        int rc = pcre2_match(re, (PCRE2_SPTR)subj[i], subj_n[i], 0, 0, md, NULL);
        if ((rc > 0) != (v > 0)) {
            if (bad < 3) printf("#   %s on [%s]: segment_rx %d, pcre2 %d\n", pat, subj[i], v, rc);
            bad++;
            continue;
        }
        if (rc <= 0) continue;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (uint32_t g = 1; g <= ncap; g++) {
            size_t a, b, pa = PCRE2_UNSET, pb = PCRE2_UNSET;
            gx_srx_group(r, (int)g, &a, &b);
            if ((int)g < rc) { pa = ov[2 * g]; pb = ov[2 * g + 1]; }
            if (a != pa || b != pb) {
                if (bad < 3) printf("#   %s on [%s]: group %u differs\n", pat, subj[i], g);
                bad++;
                break;
            }
        }
        int gn = gx_srx_group_number(r, "num"), gt = gx_srx_group_number(r, "title");
        if (gn != pcre2_substring_number_from_name(re, (PCRE2_SPTR)"num") && !(gn < 0)) bad++;
        if (gt != pcre2_substring_number_from_name(re, (PCRE2_SPTR)"title") && !(gt < 0)) bad++;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return bad;
}

static void test_tables(void)
{
    static const char *const tables[] = { "headings.tsv", "segment_noise.tsv", "sections.tsv" };
    for (size_t t = 0; t < 3; t++) {
        gx_table tb;
        gx_table_load(&tb, tables[t], NULL);
        int cp = gx_table_col(&tb, "pattern");
        long bad = 0, unknown = 0;
        int taken = 0;
        for (int i = 0; i < tb.nrows; i++) {
            gx_srx *r = gx_srx_compile(tb.rows[i][cp]);
            if (!r) continue;
            taken++;
            bad += check_pattern(tb.rows[i][cp], r, &unknown);
            gx_srx_free(r);
        }
        EQ_INT(bad, 0, "%s: %d patterns, answers and groups as pcre2's on %d subjects (%ld left to pcre2)",
               tables[t], taken, nsubj, unknown);
        if (t == 0) EQ_INT(taken, tb.nrows, "headings.tsv: every style is within segment_rx");
        gx_table_free(&tb);
    }
}

static void test_syntax(void)
{
    /* outside the subset: refused (pcre2 takes them) */
    static const char *const refused[] = { "a*?", "a++", "(?i)abc", "\\bword", "(?<=a)b", "a{,3}",
                                           "(a*)*", "\\x{41}", "[[:alpha:]]", "(?|a|b)", "\\1" };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        OK(gx_srx_compile(refused[i]) == NULL, "refused: %s", refused[i]);
    gx_srx *r = gx_srx_compile("^(?<a>x+)(y)?$");
    OK(r != NULL, "a small pattern compiles");
    OK(gx_srx_match(r, "xx", 2, 0) == 1, "it matches");
    size_t a, b;
    gx_srx_group(r, 2, &a, &b);
    OK(a == SIZE_MAX && b == SIZE_MAX, "a group that took no part is unset");
    gx_srx_group(r, 1, &a, &b);
    OK(a == 0 && b == 2, "a named group has its offsets");
    EQ_INT(gx_srx_group_number(r, "a"), 1, "named groups are numbered as in pcre2");
    OK(gx_srx_match(r, "xx\n", 3, 0) == -1, "$ before a final newline: left to pcre2");
    gx_srx_free(r);
    r = gx_srx_compile("a.*b");
    OK(gx_srx_match(r, "a\nb", 3, 0) == -1 && gx_srx_match(r, "a\nb", 3, GX_SRX_NONL) == 1,
       ". over a line end: left to pcre2 unless the caller says there is none");
    gx_srx_free(r);
}

int main(void)
{
    test_properties();
    load_subjects();
    test_tables();
    test_syntax();
    return UNIT_DONE();
}
