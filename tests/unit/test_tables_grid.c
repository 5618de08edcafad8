/* Unit tests for the gx-tables grid builder and helpers. */
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "unit.h"

typedef struct got { char buf[8192]; size_t n; int cells; } got;

static void collect(void *ctx, const tb_out *o)
{
    got *g = ctx;
    g->n += (size_t)snprintf(g->buf + g->n, sizeof g->buf - g->n, "%d:%d [%s] [%s] %.*s\n",
                             o->row, o->col, o->rowhead, o->colhead, (int)o->textlen, o->text);
    g->cells++;
}

static const char *build(tb_know *k, const char *text)
{
    static got g;
    memset(&g, 0, sizeof g);
    tb_grid grid;
    tb_grid_init(&grid);
    int src = 0;
    for (const char *p = text; *p; src++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        tb_split_tabs(&grid, p, n, src, 0);
        grid.open = false;
        p += n + (e ? 1 : 0);
    }
    tb_build(k, &grid, NULL, collect, &g);
    tb_grid_free(&grid);
    return g.buf;
}

int main(void)
{
    tb_know *k = tb_know_load();
    gx_buf b;
    gx_buf_init(&b);

    tb_path_part("三、本 年度 办理 结果", strlen("三、本 年度 办理 结果"), &b);
    EQ_STR(b.data, "三、本年度办理结果", "path part: spaces between CJK deleted");
    gx_buf_reset(&b);
    tb_path_part("  (一) 予以公开 ", strlen("  (一) 予以公开 "), &b);
    EQ_STR(b.data, "(一)予以公开", "path part: space before a CJK character deleted, trimmed");
    gx_buf_reset(&b);
    tb_path_part("Item  one", 9, &b);
    EQ_STR(b.data, "Item one", "path part: ASCII words keep one space");

    EQ_INT(tb_classify(k, " 减 22 ", 8), TB_NUMBER, "减 22 is a value");
    EQ_INT(tb_classify(k, "81.48%", 6), TB_NUMBER, "a percentage is a value");
    EQ_INT(tb_classify(k, "万元", strlen("万元")), TB_UNIT, "万元 is a unit");
    EQ_INT(tb_classify(k, "1. 属于国家秘密", strlen("1. 属于国家秘密")), TB_TEXT, "a numbered label is text");
    EQ_INT(tb_classify(k, "   ", 3), TB_EMPTY, "blank is empty");

    long num; int rank; size_t end;
    OK(tb_numbering(k, "（1） 主动公开", strlen("（1） 主动公开"), &num, &rank, &end) >= 0 && num == 1 && rank == 2,
       "（1） is rank-2 numbering 1");
    OK(tb_numbering(k, "十二、xx", strlen("十二、xx"), &num, &rank, &end) >= 0 && num == 12 && rank == 1,
       "十二、 is rank-1 numbering 12");
    OK(tb_numbering(k, "2022年", strlen("2022年"), &num, &rank, &end) < 0, "2022年 is not numbering");
    OK(tb_known_label(k, "4. 保护第三方合法权益", strlen("4. 保护第三方合法权益")), "known label after numbering strip");

    const char *out = build(k, "h\tx\ty\n一、\tA\t1\t2\n二、B\t\t3\t4\t\n\t1. c\t5\t6\n");
    EQ_STR(out,
           "1:1 [一、A] [x] 1\n1:2 [一、A] [y] 2\n"
           "2:1 [二、B] [x] 3\n2:2 [二、B] [y] 4\n"
           "3:1 [二、B | 1. c] [x] 5\n3:2 [二、B | 1. c] [y] 6\n",
           "numbering-only cell joined, shifted row re-aligned, leaf under its group");

    out = build(k, "\t甲\t\t乙\t\n\t一\t二\t三\t四\nr\t1\t2\t3\t4\n");
    EQ_STR(out,
           "1:1 [r] [甲 | 一] 1\n1:2 [r] [甲 | 二] 2\n1:3 [r] [乙 | 三] 3\n1:4 [r] [乙 | 四] 4\n",
           "a header cell spans right to the next cell of its row");

    out = build(k, "a\tb\nx\t1\n\t\nc\td\ny\t2\n");
    OK(strstr(out, "[y] [c | d] 2") || strstr(out, "[y] [d] 2"), "a new header run starts a new section");

    out = build(k, "a\tb\n");
    EQ_STR(out, "1:1 [a] [] b\n", "a one-row text table still gives its cell");

    gx_buf_free(&b);
    tb_know_free(k);
    return UNIT_DONE();
}
