/* test_normalize_label.c - label keys (spec §8.1) and the label map, fed
 * with the raw label strings exactly as they appear in the sample reports. */
#include "normalize.h"
#include "unit.h"

static gx_buf b;

static const char *key(const char *s)
{
    gx_buf_reset(&b);
    nz_label_key(s, strlen(s), &b, NULL, 0);
    return b.data ? b.data : "";
}

static nz_map map;
static nz_path row, col;

/* Indicator (and dim) for a cell of a table of the given kinds/layouts. */
static const char *lookup(int kinds, int l2, int l3, const char *rh, const char *ch,
                          const char *const *ctx, int nctx, char *dim)
{
    nz_path_set(&row, rh, strlen(rh));
    nz_path_set(&col, ch, strlen(ch));
    nz_match_in in = {&row, &col, ctx, nctx, kinds, {0, l2, l3, 0}};
    bool amb;
    const nz_entry *e = nz_map_best(&map, NZ_E_FACT, &in, &amb);
    if (!e) return "none";
    strcpy(dim, e->dim);
    if (strcmp(e->dim, "*") == 0) {
        const nz_entry *d = nz_map_best(&map, NZ_E_DIM, &in, &amb);
        strcpy(dim, d ? d->dim : "?");
    }
    return e->indicator;
}

int main(void)
{
    /* numbering, spacing, full-width forms (§8.1, A-VERT, A-NUMVAR) */
    EQ_STR(key("（一）主动公开政府信息数 （不同渠道和方式公开相同信息计 1 条）"), "主动公开政府信息数", "（一） and the note go");
    EQ_STR(key("（1） 主动公开政府信息数"), "主动公开政府信息数", "（1） numbering (004)");
    EQ_STR(key("   (一)维持具体行政行为数"), "维持具体行政行为数", "half-width (一) (004)");
    EQ_STR(key("1. 政府公报公开政府信息数"), "政府公报公开政府信息数", "1. numbering");
    EQ_STR(key("1、市人大代表建议"), "市人大代表建议", "1、 numbering");
    EQ_STR(key("1．属于国家秘密"), "属于国家秘密", "full-width stop");
    EQ_STR(key("三、本 年度 办理 结果"), "本年度办理结果", "A-VERT spaces");
    EQ_STR(key("三、 本 年 度 办 理 结 果"), "本年度办理结果", "A-VERT letters (002)");
    EQ_STR(key("结 果 维 持"), "结果维持", "vertical header letters (001 T4)");
    EQ_STR(key("(三) 不予公 开"), "不予公开", "broken group cell (001)");
    EQ_STR(key("统 计 指 标"), "统计指标", "004 header");
    EQ_STR(key("其中：主动公开规范性文件数"), "主动公开规范性文件数", "其中：");
    EQ_STR(key("危及国家安全、公共安全、经济安全和社会稳定"), key("危及国家安全、公共安全经济安全和社会稳定"),
           "punctuation drift (000 line 275)");
    EQ_STR(key("3. 危及“三安全一稳定”"), "危及三安全一稳定", "quotes dropped");
    EQ_STR(key("第二十条第（一）项"), key("第二十条第(一)项"), "caption in both widths");
    EQ_STR(key("2020年"), "2020年", "a year is not numbering");
    EQ_STR(key("1.5倍"), "1.5倍", "a decimal is not numbering");
    EQ_STR(key("四、行政复议数量"), "行政复议数量", "四、");
    EQ_STR(key("十二、其他"), "其他", "十二、");
    char unit[32] = "";
    gx_buf_reset(&b);
    nz_label_key("本年收费金额（单位：万元）", strlen("本年收费金额（单位：万元）"), &b, unit, sizeof unit);
    EQ_STR(b.data, "本年收费金额", "unit note dropped from the key");
    EQ_STR(unit, "万元", "unit taken from the note");

    /* paths */
    nz_path_init(&row);
    nz_path_init(&col);
    const char *p3 = "三、本 年度 办理 结果 | (三) 不予公 开 | 1. 属于国家秘密";
    nz_path_set(&row, p3, strlen(p3));
    EQ_INT(row.n, 3, "three parts");
    EQ_STR(row.key.data, "本年度办理结果不予公开属于国家秘密", "path key");
    nz_path_set(&row, "二、 | 上年结转政府信息公开申请数量", strlen("二、 | 上年结转政府信息公开申请数量"));
    EQ_INT(row.n, 1, "a part that is only numbering is dropped");

    /* the map, on label paths as the samples print them */
    nz_map_load(&map, NULL);
    OK(map.n > 150, "labels.tsv loaded (%d entries)", map.n);
    char dim[32] = "";
    EQ_STR(lookup(NZ_K_T3, 0, 2021, "三、本 年度 办理 结果 | (三) 不予公 开 | 1. 属于国家秘密",
                  "申请人情况 | 自然人", NULL, 0, dim), "apply.result.denied.state_secret", "T3 leaf with groups");
    EQ_STR(dim, "natural_person", "T3 自然人 column");
    EQ_STR(lookup(NZ_K_T3, 0, 2021, "3. 要求提供公开出版物", "申请人情况 | 法人或其他组织 | 其 他",
                  NULL, 0, dim), "apply.result.not_processed.publication", "T3 leaf without its group (001 line 91)");
    EQ_STR(dim, "other", "法人或其他组织 | 其他 column");
    EQ_STR(lookup(NZ_K_T3, 0, 2021, "(六) 其他处理 | 3. 其他", "总计", NULL, 0, dim),
           "apply.result.other.other", "M21 （六）3.其他");
    EQ_STR(dim, "total", "总计 column");
    EQ_STR(lookup(NZ_K_T3, 0, 2019, "(六) 其他处理", "申请人情况 | 法人或其他组织 | 科 研 机 构", NULL, 0, dim),
           "apply.result.other.total", "M19 （六）其他处理 is a data row");
    EQ_STR(dim, "research", "科研机构 column with spaced letters");
    EQ_STR(lookup(NZ_K_T3, 0, 2019, "4. 保护第三方合法权益", "自 然 人", NULL, 0, dim),
           "apply.result.denied.third_party", "wrapped label once joined (002)");
    EQ_STR(lookup(NZ_K_T3, 0, 2021, "(二) 部分公开（区分处理的，只计这一情形，不计其他情形）", "总计", NULL, 0, dim),
           "apply.result.partial", "T3 (二) with its note");
    EQ_STR(lookup(NZ_K_T3, 0, 2021, "四、结转下年度继续办理", "总计", NULL, 0, dim),
           "apply.carried_forward", "T3 四、");
    EQ_STR(lookup(NZ_K_T3, 0, 2021, "三、本 年度 办理 结果", "总计", NULL, 0, dim),
           "none", "a group row is no fact");

    EQ_STR(lookup(NZ_K_T4, 0, 0, "", "行政复议 | 结 果 维 持", NULL, 0, dim), "review.upheld", "T4 review");
    EQ_STR(lookup(NZ_K_T4, 0, 0, "", "行政诉讼 | 未经复议直接起诉 | 总 计", NULL, 0, dim),
           "litigation.direct.total", "T4 direct");
    EQ_STR(lookup(NZ_K_T4, 0, 0, "", "行政诉讼 | 复议后起诉 | 尚 未 审 结", NULL, 0, dim),
           "litigation.after_review.pending", "T4 after review");

    EQ_STR(lookup(NZ_K_T2, 2021, 0, "行政规范性文件", "第二十条第（一）项 | 信息内容 | 本年制发件数", NULL, 0, dim),
           "proactive.normative_docs.made", "T2 2021");
    EQ_STR(lookup(NZ_K_T2, 2019, 0, "规范性文件", "本年新公开数量", NULL, 0, dim),
           "proactive.normative_docs.published_new", "T2 2019");
    EQ_STR(lookup(NZ_K_T2, 2019, 0, "行政事业性收费", "本年增/减", NULL, 0, dim),
           "proactive.admin_fees.items_delta", "T2 2019 本年增/减");
    EQ_STR(lookup(NZ_K_T2, 2021, 0, "行政事业性收费", "本年收费金额（单位：万元）", NULL, 0, dim),
           "proactive.admin_fees.amount", "T2 2021 fee amount");
    EQ_STR(lookup(NZ_K_T2, 2021, 0, "规章", "本年新制作数量", NULL, 0, dim),
           "none", "2019 column in a 2021 table does not map");

    EQ_STR(lookup(NZ_K_L1, 0, 0, "（1） 主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "统计数", NULL, 0, dim),
           "proactive.items.total", "L1 with （1） and the note (004)");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "危及国家安全、公共安全经济安全和社会稳定", "", NULL, 0, dim),
           "apply.reply.denied.security_stability", "L1 punctuation drift (000)");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "1.专职人员数（不包括政府公报及政府网站工作人员数）", "", NULL, 0, dim),
           "org.staff.full_time", "L1 note dropped");
    /* (二)被依法纠错数 under 四 and under 五: the nearest group above decides */
    const char *ctx_rev[] = {"维持具体行政行为数", "行政复议数量", "告知通过其他途径办理数"};
    const char *ctx_lit[] = {"维持具体行政行为或者驳回原告诉讼请求数", "行政诉讼数量", "其他情形数",
                             "被依法纠错数", "维持具体行政行为数", "行政复议数量"};
    EQ_STR(lookup(NZ_K_L1, 0, 0, "   (二)被依法纠错数", "", ctx_rev, 3, dim), "review.corrected", "L1 四 (二)");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "   (二)被依法纠错数", "", ctx_lit, 6, dim), "litigation.all.corrected", "L1 五 (二)");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "（三）其他情形数", "", ctx_lit + 1, 5, dim), "litigation.all.other_incl_pending",
           "L1 五 (三)");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "五、行政诉讼数量", "", NULL, 0, dim), "litigation.all.total", "L1 五、");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "一、主动公开情况", "", NULL, 0, dim), "none", "L1 group row");
    EQ_STR(lookup(NZ_K_L1, 0, 0, "当面申请 63", "", NULL, 0, dim), "none", "chart residue is no label");

    nz_map_free(&map);
    nz_path_free(&row);
    nz_path_free(&col);
    gx_buf_free(&b);
    return UNIT_DONE();
}
