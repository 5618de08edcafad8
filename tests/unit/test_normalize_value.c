/* test_normalize_value.c - the value parser of gx-normalize (cells as
 * printed in the sample reports and the spec's artefact catalogue). */
#include "normalize.h"
#include "unit.h"

static nz_value v;

static void parse(const char *s) { nz_value_parse(s, strlen(s), &v); }

#define NUM(s, want) do { parse(s); \
    EQ_STR(nz_state_names[v.state], "number", "'%s' is a number", s); \
    EQ_STR(v.num, want, "'%s' -> %s", s, want); } while (0)
#define STATE(s, want) do { parse(s); \
    EQ_STR(nz_state_names[v.state], want, "'%s' is %s", s, want); } while (0)

int main(void)
{
    /* plain numbers, as printed in the samples */
    NUM("0", "0");
    NUM("84655", "84655");
    NUM("15781.34226", "15781.34226");     /* 001 T2 (八): 5 decimals kept */
    NUM("9184322.81", "9184322.81");       /* 002 采购总金额 */
    NUM(" 138 ", "138");
    NUM("\t2011", "2011");
    NUM("8,990", "8990");
    OK(v.flags & NZ_VF_SEP, "separator flagged");
    NUM("1,234,567", "1234567");
    NUM("１２３", "123");                  /* full-width digits */
    NUM("007", "7");
    NUM("0.5", "0.5");

    /* signed deltas (002 T2: 减 N) */
    NUM("减 22", "-22");
    OK(v.flags & NZ_VF_SIGNWORD, "sign word flagged");
    NUM("减 144", "-144");
    NUM("减1", "-1");
    NUM("增 3", "3");
    NUM("+5", "5");
    NUM("-5", "-5");
    NUM("－5", "-5");                      /* full-width minus */
    NUM("−7", "-7");                       /* U+2212 */
    NUM("减 0", "0");

    /* units and notes inside cells */
    NUM("251000元", "251000");
    EQ_STR(v.unit, "元", "unit 元 split off");
    OK(v.flags & NZ_VF_UNIT, "unit flagged");
    NUM("8,990万元", "8990");
    EQ_STR(v.unit, "万元", "unit 万元, not 元");
    NUM("3 件", "3");
    EQ_STR(v.unit, "件", "unit 件");
    NUM("12人次", "12");
    EQ_STR(v.unit, "人次", "人次 before 人");
    NUM("22（其中修订16件）", "22");
    EQ_STR(v.note, "其中修订16件", "note kept");
    OK(v.flags & NZ_VF_NOTE, "note flagged");
    NUM("96.4%", "96.4");
    EQ_STR(v.unit, "%", "percent");

    /* blanks are empty, never 0 */
    STATE("", "empty");
    STATE("   ", "empty");
    STATE("\t", "empty");
    STATE("\xe3\x80\x80", "empty");        /* U+3000 */
    parse("");
    EQ_STR(v.num, "", "no value for a blank");

    /* placeholders */
    STATE("/", "na");
    STATE("-", "na");
    STATE("—", "na");
    STATE("——", "na");
    STATE("--", "na");
    STATE("无", "na");
    STATE("不适用", "na");
    STATE("N/A", "na");
    STATE(" / ", "na");

    /* number words */
    NUM("零", "0");
    OK(v.flags & NZ_VF_ZEROWORD, "零 flagged");

    /* words are text */
    STATE("详见附表", "text");
    STATE("略", "text");
    STATE("12abc", "text");
    STATE("减", "text");
    STATE("1.2.3", "text");
    STATE("22（其中", "text");
    STATE("(1)", "text");

    /* units alone */
    OK(nz_is_unit("条", 3), "条 is a unit");
    OK(nz_is_unit(" 人次 ", 8), "人次 is a unit");
    OK(!nz_is_unit("统计数", 9), "统计数 is not a unit");
    EQ_INT(nz_unit_prefix("万元以上", 12), 6, "longest unit prefix");

    return UNIT_DONE();
}
