/* Unit tests for lib/rxlite.c on the bundled tables: every pattern of the
 * segment and tables knowledge tables that the small matcher takes must
 * answer as pcre2 does (UTF, UCP) on every line of the five samples and on
 * made-up lines (numbering, footers, chart cells, line ends), with the
 * groups of each match. */
#include <stdlib.h>
#include "unit.h"
#include "gx.h"
#include "rxlite.h"

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
static long check_pattern(const char *pat, gx_rxl *r, long *unknown)
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
        size_t caps[2 * GX_RXL_GROUPS];
        int v = gx_rxl_match(r, subj[i], subj_n[i], caps, 2 * GX_RXL_GROUPS);
        if (v < 0) { (*unknown)++; continue; }
        int rc = pcre2_match(re, (PCRE2_SPTR)subj[i], subj_n[i], 0, 0, md, NULL);
        if ((rc > 0) != (v > 0)) {
            if (bad < 3) printf("#   %s on [%s]: rxlite %d, pcre2 %d\n", pat, subj[i], v, rc);
            bad++;
            continue;
        }
        if (rc <= 0) continue;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (uint32_t g = 1; g <= ncap; g++) {
            size_t a, b, pa = PCRE2_UNSET, pb = PCRE2_UNSET;
            a = caps[2 * g];
            b = caps[2 * g + 1];
            if ((int)g < rc) { pa = ov[2 * g]; pb = ov[2 * g + 1]; }
            if (a != pa || b != pb) {
                if (bad < 3) printf("#   %s on [%s]: group %u differs\n", pat, subj[i], g);
                bad++;
                break;
            }
        }
        int gn = gx_rxl_group(r, "num"), gt = gx_rxl_group(r, "title");
        if (gn != pcre2_substring_number_from_name(re, (PCRE2_SPTR)"num") && !(gn < 0)) bad++;
        if (gt != pcre2_substring_number_from_name(re, (PCRE2_SPTR)"title") && !(gt < 0)) bad++;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return bad;
}

static void test_tables(void)
{
    static const char *const tables[] = { "headings.tsv", "segment_noise.tsv", "sections.tsv",
                                          "tables_values.tsv", "tables_numbering.tsv", "tables_footer.tsv" };
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        gx_table tb;
        gx_table_load(&tb, tables[t], NULL);
        int cp = gx_table_col(&tb, "pattern");
        long bad = 0, unknown = 0;
        int taken = 0;
        for (int i = 0; i < tb.nrows; i++) {
            gx_rxl *r = gx_rxl_new(tb.rows[i][cp], strlen(tb.rows[i][cp]), false);
            if (!r) continue;
            taken++;
            bad += check_pattern(tb.rows[i][cp], r, &unknown);
            gx_rxl_free(r);
        }
        EQ_INT(bad, 0, "%s: %d patterns, answers and groups as pcre2's on %d subjects (%ld left to pcre2)",
               tables[t], taken, nsubj, unknown);
        if (t != 2) EQ_INT(taken, tb.nrows, "%s: every pattern is within rxlite", tables[t]);
        gx_table_free(&tb);
    }
}

static void test_syntax(void)
{
    gx_rxl *r = gx_rxl_new("^(?<a>x+)(y)?$", 14, false);
    OK(r != NULL, "a small pattern compiles");
    size_t c[2 * GX_RXL_GROUPS];
    OK(r && gx_rxl_match(r, "xx", 2, c, 6) == 1, "it matches");
    OK(r && c[4] == SIZE_MAX && c[5] == SIZE_MAX, "a group that took no part is unset");
    OK(r && c[2] == 0 && c[3] == 2, "a named group has its offsets");
    EQ_INT(r ? gx_rxl_group(r, "a") : -9, 1, "named groups are numbered as in pcre2");
    OK(r && gx_rxl_match(r, "xx\n", 3, c, 6) == 1 && c[1] == 2, "$ before a final newline, as pcre2");
    gx_rxl_free(r);
    r = gx_rxl_new("a.*b", 4, false);
    OK(r && gx_rxl_match(r, "a\nb", 3, c, 2) == 0 && gx_rxl_match(r, "a\vb", 3, c, 2) == 1,
       ". takes anything but LF, as pcre2 (newline LF)");
    gx_rxl_free(r);
}

int main(void)
{
    load_subjects();
    test_tables();
    test_syntax();
    return UNIT_DONE();
}
