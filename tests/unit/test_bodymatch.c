/* test_bodymatch.c - gx-normalize searches a pattern over the report body
 * only where a match can start (rx_find: before an occurrence of the
 * pattern's literal, at a possible first character, with a required word
 * after it). The answer must be pcre2's own, exactly: for every cue of
 * narrative.tsv and every pattern of normalize_docfacts.tsv, on random
 * bodies made of the words the patterns look for, each match found from
 * each start (its groups too) is compared with a plain search.
 *
 * The functions are static in normalize.c: the module is compiled in here
 * (this test's name links no module of its own). */
#include "../../lib/normalize.c"
#include "../../lib/normalize_label.c"
#include "../../lib/normalize_value.c"
#include "unit.h"

/* pieces of text the patterns look for, and whole statements */
static const char *const pieces[] = {
    "年", "2013", "2019", "1", "23", "0", ",", ".", " ", " ", "\n", "。", ";", "件", "条", "次", "人",
    "申请", "收到", "受理", "行政复议", "行政诉讼", "未", "没有", "无", "发生", "信息处理费", "收取", "不",
    "继续", "暂不", "目前", "其中", ":", "率", "%", "解读", "主动公开", "政府信息", "微信", "微博", "政务",
    "公开", "同意", "信息不存在", "统计", "期限", "为", "自", "1月1日", "近", "约", "超过", "余", "多",
    "新闻发布会", "举办", "场", "规范性文件", "制发", "(", ")", "均为",
    "收到政府信息公开申请 26 件", "行政复议 4 件", "2016年我市继续暂不收费",
    "制发规范性文件167件,解读161件,解读率96.4%", "全市主动公开政府信息81536条,其中,市政府本级主动公开2118条,",
    "未发生行政复议", "统计期限自2017年1月1日起", "未收取信息处理费",
    "\xe4\xb8", "\x80",   /* last: bits of a character (an invalid body: searched as before) */
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

/* Every match from start on, both ways; false at the first difference. */
static bool same_matches(rx *r, rxwin *w, gx_buf *body, long *matches)
{
    size_t start = 0;
    while (start <= body->len) {
        rx *m;
        int a = rx_find(r, w, body->data, body->len, start, &m);
        size_t ga[10], gb[10];
        for (int g = 0; g < 10 && a > 0; g++) rx_group(m, g, &ga[g], &gb[g]);
        int b = rx_match(r, body->data, body->len, start);
        if ((a > 0) != (b > 0) || (b > 0 && a != b)) return false;
        if (b <= 0) return true;
        ++*matches;
        for (int g = 0; g < b && g < 10; g++) {
            size_t x, y;
            rx_group(r, g, &x, &y);
            if (x != ga[g] || y != gb[g]) return false;
        }
        rx_group(r, 0, &ga[0], &gb[0]);
        start = gb[0] > ga[0] ? gb[0] : ga[0] + 1;
    }
    return true;
}

int main(void)
{
    static nz_opts o;
    KN.o = &o;
    load_cues();
    load_docfacts();
    srand(7);
    gx_buf body;
    gx_buf_init(&body);
    long bodies = 0, matches = 0, bad = 0;
    const char *bad_pat = NULL;
    for (int it = 0; it < 5000; it++) {
        gx_buf_reset(&body);
        int len = rand() % 120;
        size_t np = it % 10 ? NPIECES - 2 : NPIECES;   /* one body in ten may be invalid UTF-8 */
        for (int k = 0; k < len; k++) gx_buf_adds(&body, pieces[(size_t)rand() % np]);
        if (!body.data) { gx_buf_reserve(&body, 0); body.data[0] = 0; }
        gx_rx_pad(&body);
        /* as build_body: the subject checked once, its runs measured */
        rx_subject(body.data, body.len, false);
        body_runs(body.data, body.len);
        bodies++;
        for (int ci = 0; ci < KN.ncues; ci++)
            if (!same_matches(&KN.cues[ci].r, &KN.cues[ci].w, &body, &matches)) { bad++; bad_pat = KN.cues[ci].pattern; }
        for (int di = 0; di < KN.ndfs; di++)
            if (!same_matches(&KN.dfs[di].r, &KN.dfs[di].w, &body, &matches)) { bad++; bad_pat = KN.dfs[di].r.pattern; }
    }
    OK(bad == 0, "rx_find finds what pcre2 finds: %ld bodies, %ld matches, %ld differences%s%s",
       bodies, matches, bad, bad_pat ? " (last: " : "", bad_pat ? bad_pat : "");
    OK(matches > 10000, "the bodies hold matches (%ld)", matches);
    gx_buf_free(&body);
    return UNIT_DONE();
}
