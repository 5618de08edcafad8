/* Unit tests for rxlite.c: its answers are pcre2's. Every pattern of
 * the bundled tables, and patterns that use each construct it takes, are
 * matched by both against many random subjects made of the characters
 * that matter to them (digits, CJK numerals, every kind of space, the
 * punctuation of the tables); match, end and groups must agree. */
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "rxlite.h"
#include "unit.h"

/* [whole] pattern */
static const struct { bool whole; const char *p; } pats[] = {
    /* tables_values.tsv, tables_footer.tsv, tables_numbering.tsv */
    {true, "[+\\-−－]?\\s*[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?\\s*[%％]?"},
    {true, "[增减]\\s*[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?"},
    {true, "[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?\\s*(?:件|条|次|篇|个|人|人次|项|万元|元|家|份)"},
    {true, "[/／\\-－—–]{1,3}|不适用|N/?A|n/?a|无"},
    {true, "[条件次篇个人项元家份户天%％]|人次|万元|小时"},
    {true, "[-－—–]\\s*[0-9０-９]{1,4}\\s*[-－—–]"},
    {true, "第\\s*[0-9０-９]{1,4}\\s*页(?:\\s*[,，/]?\\s*共\\s*[0-9０-９]{1,4}\\s*页)?"},
    {true, "[0-9０-９]{1,4}\\s*/\\s*[0-9０-９]{1,4}"},
    {true, "[0-9０-９]{1,4}"},
    {false, "^第?(?<num>[一二三四五六七八九十百〇零]{1,4})\\s*[、．.，,]"},
    {false, "^[（(]\\s*(?<num>[一二三四五六七八九十]{1,3})\\s*[）)]\\s*[、．.]?"},
    {false, "^(?<num>[0-9０-９]{1,2})\\s*[、．.](?![0-9０-９．.])"},
    {false, "^[（(]\\s*(?<num>[0-9０-９]{1,2})\\s*[）)]\\s*[、．.]?"},
    {false, "^(?<num>[①-⑳])"},
    /* headings.tsv, sections.tsv, segment_noise.tsv (gx-segment) */
    {false, "^(?:[第一二三四五六七八九十百〇零（(①-⑳附]|\\d)"},
    {false, "^第(?<num>[一二三四五六七八九十]{1,3})(?:部分|章)\\s*[、．.:：]?\\s*(?<title>\\S.*)$"},
    {false, "^第?(?<num>[一二三四五六七八九十百〇零]{1,4})\\s*[、．.]\\s*(?<title>\\S.*)$"},
    {false, "^(?<num>\\d{1,2})\\s*[、．.](?![\\d．.])\\s*(?<title>\\S.*)$"},
    {false, "^[（(]\\s*(?<num>\\d{1,2})\\s*[）)]\\s*[、．.]?\\s*(?<title>\\S.*)$"},
    {false, "^(?<title>附\\s*(?:件|表|录)?\\s*(?<num>\\d{0,2})\\s*(?:[:：].*)?)$"},
    {false, "^\\d{4}年工作"},
    {false, "^第\\s*\\d{1,4}\\s*页(\\s*[,，/]?\\s*共\\s*\\d{1,4}\\s*页)?$"},
    {false, "\\d+\\s*件\\s*[，,]\\s*占"},
    {false, "^\\d+\\.\\d{6,}$"},
    {false, "^(表|图)\\s*\\d{1,3}(\\s|[:：.、]|$)"},
    /* the constructs one by one */
    {false, "(\\d?)"},
    {false, "a.b|.*x"},
    {false, "(\\D+)(\\d*)"},
    {false, "^\\p{Han}{2,}\\s+\\d+(\\.\\d+)?$"},
    {false, "[\\p{Han}\\d]+x"},
    {true,  "[^\\d\\s]+|[\\d\\D]"},
    {false, "[0-9]+?(\\s+)"},
    {false, "([0-9]+)(?=[、.])"},
    {false, "([0-9]*)(?=(\\s))\\s[^0-9\\s]"},
    {false, "(?:a|ab)(c|bcd)(d*)"},
    {false, "([一二]|一二)+?三"},
    {false, "(?<x>[0-9]{2,})\\S*$"},
    {false, "[0-9]{2,3}?\\Z"},
    {true,  "(?:[0-9]{1,3}[,，])*[0-9]+"},
    {true,  "\\A[^\\s0-9]+\\z"},
    {false, "(a|(b))+\\s*(c)?"},
    {false, "[\\-\\]\\\\]+"},
    {true,  "[]a]+"},
    {false, "\\t|\\n|[\\r\\f]"},
    {false, "共\\s*(?!页)(\\S)"},
    {true,  "((?:一|二|三)、)?[^、]*"},
    {false, "x{2}|N{1}A"},
};

static const char *const alpha[] = {
    "0", "1", "9", "０", "５", ",", "，", ".", "．", "%", "％", "+", "-", "−", "－", "—", "–",
    "/", "／", " ", " ", "\t", "\n", "\r", "\v", "\f", "\xc2\x85", "\xc2\xa0", "\xe3\x80\x80",
    "\xe2\x80\xa8", "\xe1\xa0\x8e", "\xe2\x80\x8b", "一", "二", "三", "十", "百", "〇", "、",
    "（", "）", "(", ")", "第", "页", "共", "件", "人", "次", "万", "元", "增", "减", "不", "适",
    "用", "无", "N", "A", "n", "a", "b", "c", "d", "x", "①", "⑳", "本", "]", "\\", "٣", "附", "表",
    "部", "分", "年", "工", "作", "占", "：", "ア", "〆", "𠀀", "१",
};

static unsigned rnd_state = 12345;
static unsigned rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

int main(void)
{
    int npats = (int)(sizeof pats / sizeof *pats), nalpha = (int)(sizeof alpha / sizeof *alpha);
    char sub[256], wrapped[512];
    long agree = 0, compared = 0, matched = 0;
    for (int pi = 0; pi < npats; pi++) {
        const char *p = pats[pi].p;
        gx_rxl *tp = gx_rxl_new(p, strlen(p), pats[pi].whole);
        OK(tp != NULL, "taken: %s", p);
        if (!tp) continue;
        snprintf(wrapped, sizeof wrapped, pats[pi].whole ? "(*UCP)\\A(?:%s)\\z" : "(*UCP)%s", p);
        gx_rx rx;
        gx_rx_set(&rx, wrapped, GX_RX_NOJIT | GX_RX_NOLITE, "test", pi);
        char err[200];
        OK(gx_rx_compile(&rx, err, sizeof err), "pcre2 compiles %s", p);
        bool all = true;
        for (int t = 0; t < 4000; t++) {
            /* short subjects; half of them start like a match would */
            size_t n = 0;
            int len = (int)(rnd() % 7);
            for (int i = 0; i < len; i++) {
                const char *c = alpha[rnd() % (unsigned)nalpha];
                if (t % 2 == 0 && rnd() % 3 == 0) c = alpha[rnd() % 12];
                size_t l = strlen(c);
                memcpy(sub + n, c, l);
                n += l;
            }
            memset(sub + n, 0, 64);
            size_t caps[32];
            int ng = 4;
            int mine = gx_rxl_match(tp, sub, n, caps, 2 * ng);
            int rc = gx_rx_match(&rx, sub, n, 0, GX_RX_VALID | GX_RX_PADDED);
            bool same = mine >= 0 && (mine > 0) == (rc > 0);
            for (int g = 0; same && rc > 0 && g < ng; g++) {
                size_t a, b;
                gx_rx_group(&rx, g, &a, &b);
                same = a == caps[2 * g] && b == caps[2 * g + 1];
            }
            compared++;
            if (rc > 0) matched++;
            if (same) { agree++; continue; }
            if (all) printf("# %s: differs on [%.*s]: mine %d pcre2 %d\n", p, (int)n, sub, mine, rc);
            all = false;
        }
        OK(all, "same answers as pcre2: %s", p);
        gx_rx_free(&rx);
        gx_rxl_free(tp);
    }
    printf("# %ld of %ld subjects agree, %ld of them match\n", agree, compared, matched);
    OK(matched > compared / 20, "the subjects exercise the matches too (%ld)", matched);

    /* the first test of a table of patterns passes every subject that one
     * of them matches, and fails the subjects none of them can start */
    {
        gx_rxl_first f;
        gx_rxl_first_init(&f);
        gx_rxl *tp[16];
        int np = 0;
        for (int pi = 0; pi < 9; pi++) {
            tp[np] = gx_rxl_new(pats[pi].p, strlen(pats[pi].p), pats[pi].whole);
            gx_rxl_first_union(&f, tp[np]);
            np++;
        }
        bool ok = true;
        long failed = 0;
        for (int t = 0; t < 20000; t++) {
            size_t n = 0;
            int len = 1 + (int)(rnd() % 4);
            for (int i = 0; i < len; i++) {
                const char *c = alpha[rnd() % (unsigned)nalpha];
                size_t l = strlen(c);
                memcpy(sub + n, c, l);
                n += l;
            }
            bool any = false;
            size_t caps[2];
            for (int i = 0; i < np && !any; i++) any = gx_rxl_match(tp[i], sub, n, caps, 2) == 1;
            bool may = gx_rxl_first_may(&f, sub, n);
            if (any && !may) ok = false;
            if (!may) failed++;
        }
        OK(ok, "the first test of a table passes what its patterns match");
        OK(failed > 1000, "and fails subjects they cannot start (%ld)", failed);
        OK(!gx_rxl_first_may(&f, "本年", 6) && !gx_rxl_first_may(&f, "a", 1) && gx_rxl_first_may(&f, "人次", 6) &&
           gx_rxl_first_may(&f, "\xef\xbc\x95", 3) && !gx_rxl_first_may(&f, "", 0),
           "the first test of the value and footer patterns");
        for (int i = 0; i < np; i++) gx_rxl_free(tp[i]);
    }

    /* \s is pcre2's \s under UCP for every code point of the BMP */
    {
        gx_rxl *sp = gx_rxl_new("\\s", 2, true), *ns = gx_rxl_new("[^\\S]", 5, true);
        gx_rx rx;
        gx_rx_set(&rx, "(*UCP)\\A\\s\\z", GX_RX_NOJIT | GX_RX_NOLITE, "test", 0);
        bool same = sp && ns;
        for (int32_t cp = 1; same && cp < 0x10000; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            char b[8] = {0};
            size_t n;
            if (cp < 0x80) { b[0] = (char)cp; n = 1; }
            else if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
            else { b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | (cp >> 6 & 0x3F)); b[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
            size_t caps[2];
            int want = gx_rx_match(&rx, b, n, 0, GX_RX_VALID) > 0;
            same = gx_rxl_match(sp, b, n, caps, 2) == want && gx_rxl_match(ns, b, n, caps, 2) == want;
            if (!same) printf("# differs at U+%04X\n", (unsigned)cp);
        }
        OK(same, "\\s and [^\\S] as pcre2 for every code point below U+10000");
        gx_rx_free(&rx);
        gx_rxl_free(sp);
        gx_rxl_free(ns);
    }

    /* \d and \p{Han} of every code point of the BMP and plane 2 are pcre2's */
    {
        gx_rx d = GX_RX_INIT("(*UCP)^\\d$", GX_RX_NOJIT | GX_RX_NOLITE), h = GX_RX_INIT("(*UCP)^\\p{Han}$", GX_RX_NOJIT | GX_RX_NOLITE);
        long bad = 0, digits = 0, han = 0;
        for (int32_t cp = 1; cp < 0x30000; cp++) {
            if ((cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x10000 && cp < 0x20000)) continue;
            char b[4];
            size_t k;
            if (cp < 0x80) { b[0] = (char)cp; k = 1; }
            else if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 0x3F)); k = 2; }
            else if (cp < 0x10000) {
                b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                b[2] = (char)(0x80 | (cp & 0x3F)); k = 3;
            } else {
                b[0] = (char)(0xF0 | cp >> 18); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); k = 4;
            }
            bool wd = gx_rx_match(&d, b, k, 0, GX_RX_VALID) > 0, wh = gx_rx_match(&h, b, k, 0, GX_RX_VALID) > 0;
            digits += wd;
            han += wh;
            if (gx_rxl_digit(cp) != wd || gx_rxl_han(cp) != wh) bad++;
        }
        OK(bad == 0 && digits > 300 && han > 70000, "\\d and \\p{Han} as pcre2 (%ld differ; %ld digits, %ld Han)", bad, digits, han);
        gx_rx_free(&d);
        gx_rx_free(&h);
    }

    /* what it does not take goes to pcre2 (which may also call it an error) */
    static const char *const no[] = {
        "\\w", "\\bx", "\\p{L}", "\\P{Han}", "\\p{Hani}", "[[:digit:]]", "(a)\\1", "(?i)a", "(*UCP)a",
        "(?<=a)b", "a*+", "a{2", "a{,3}", "(a*)*", "(?:)+", "(ab", "ab)", "[a", "[z-a]", "x{3,2}",
        "*a", "a**", "(?P<n>a)", "(?<n>a)(?<n>b)", "\\Qa\\E", "a{0}", "]", "a}", "[\\s-z]",
        "[..9.]", "[=a=]", "[:digit:]",
    };
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        gx_rxl *tp = gx_rxl_new(no[i], strlen(no[i]), false);
        OK(tp == NULL, "left to pcre2: %s", no[i]);
        gx_rxl_free(tp);
    }

    /* named groups are numbered with the others, as pcre2 does */
    {
        const char *p = "(a)(?:b)(?<num>c)";
        gx_rxl *tp = gx_rxl_new(p, strlen(p), false);
        EQ_INT(tp ? gx_rxl_group(tp, "num") : -9, 2, "the group number of a name");
        EQ_INT(tp ? gx_rxl_group(tp, "x") : -9, -1, "no such name");
        gx_rxl_free(tp);
    }

    /* a subject that would need too many steps is left to pcre2 */
    {
        const char *p = "(?:1|1+)*2";
        gx_rxl *tp = gx_rxl_new(p, strlen(p), true);
        OK(tp == NULL || gx_rxl_match(tp, "1111111111111111111111111111113", 31, NULL, 0) == -1,
           "a pattern that backtracks without end gives up");
        gx_rxl_free(tp);
    }
    return UNIT_DONE();
}
