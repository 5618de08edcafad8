/* Unit tests for lib/segment*: decoding, HTML conversion, and the document
 * structure of small made-up reports. */
#include <stdlib.h>
#include "unit.h"
#include "gx.h"
#include "segment.h"

static gx_seg_doc doc;

static bool load(const char *text, int from)
{
    gx_seg_doc_free(&doc);
    gx_seg_doc_init(&doc);
    return gx_seg_load(&doc, text, strlen(text), "t", from);
}
static const char *role(int line) { return gx_seg_role_name(doc.lines[line - 1].role); }
static const char *kind(int line) { return gx_seg_kind(&doc, (size_t)line - 1); }
static int level(int line) { return gx_seg_level(&doc, (size_t)line - 1); }
static const char *sec(int line)
{
    static gx_buf b;
    gx_seg_sec(&doc, (size_t)line - 1, &b);
    return b.data;
}

static void test_decode(void)
{
    gx_buf out;
    gx_buf_init(&out);
    OK(gx_seg_decode("\xEF\xBB\xBF" "abc\n", 7, "t", &out) && out.len == 4 && memcmp(out.data, "abc\n", 4) == 0,
       "UTF-8 BOM stripped");
    OK(gx_seg_decode("\xFF\xFE\x00\x4E\x0A\x00", 6, "t", &out), "UTF-16LE with BOM");
    EQ_STR(out.data, "\xE4\xB8\x80\n", "UTF-16LE 一 decoded");
    OK(gx_seg_decode("\xFE\xFF\x4E\x00\x00\x0A", 6, "t", &out), "UTF-16BE with BOM");
    EQ_STR(out.data, "\xE4\xB8\x80\n", "UTF-16BE 一 decoded");
    OK(gx_seg_decode("\xD2\xBB\xA1\xA2\xB8\xC5\xCA\xF6\n", 9, "t", &out), "GB18030 accepted");
    EQ_STR(out.data, "一、概述\n", "GB18030 一、概述 decoded");
    OK(!gx_seg_decode("a\n\x80\xFF\n", 5, "t", &out), "neither UTF-8 nor GB18030: error");
    OK(!gx_seg_decode("a\0b", 3, "t", &out), "NUL byte: error");
    OK(!gx_seg_decode("", 0, "t", &out), "empty: error");
    OK(!gx_seg_decode("a\x01z\n", 4, "t", &out), "control byte: error");
    OK(!gx_seg_decode("\xFF\xFE\x00\xD8\x41\x00", 6, "t", &out), "UTF-16 lone surrogate: error");
    gx_buf_free(&out);
}

static void test_html(void)
{
    gx_buf out;
    gx_buf_init(&out);
    int *t = NULL;
    size_t cap = 0;
    const char *h = "<p>a&amp;b</p><table><tr><td rowspan=2>A</td><td colspan=\"2\">B</td></tr>"
                    "<tr><td>C</td><td>D</td></tr></table><p>x<br>y</p><script>z</script>";
    gx_seg_html(h, strlen(h), &out, &t, &cap);
    EQ_STR(out.data, "a&b\nA\tB\t\n\tC\tD\nx\ny\n", "HTML: blocks end lines, rowspan/colspan expanded");
    OK(cap >= 5 && t[0] == 0 && t[1] == 1 && t[2] == 1 && t[3] == 0, "HTML: rows tagged with their table");
    OK(gx_seg_looks_html("  <!DOCTYPE html><html>", 23), "detects HTML");
    OK(!gx_seg_looks_html("一、概述 <b>", 15), "text with a tag is not HTML");
    OK(gx_seg_looks_html("http://x.gov.cn/a.html\n<html><body>", 35), "a page after a crawler's line");
    OK(!gx_seg_looks_html("见 <http://x.gov.cn/> 一文", 30), "a link in text is not HTML");
    free(t);
    gx_buf_free(&out);
}

static void test_outline(void)
{
    OK(load("某市2020年政府信息公开工作年度报告\n"
             "\n"
             "一、概述\n"
             "（一）小节标题\n"
             "1、细项标题\n"
             "①更细\n"
             "二、政府信息公开情况\n"
             "（一）主动公开情况\n"
             "（二）依申请公开情况\n"
             "三、存在的主要问题\n"
             "一、小区物业管理方面（2件，占全天受理总量16%）\n"
             "四、下一步工作打算\n", GX_FROM_AUTO), "load outline");
    EQ_STR(role(1), "title", "title line");
    EQ_STR(role(2), "blank", "blank line");
    EQ_STR(role(3), "heading", "一、 heading");
    EQ_INT(level(3), 1, "一、 level 1");
    EQ_INT(level(4), 2, "（一） level 2");
    EQ_INT(level(5), 3, "1、 level 3");
    EQ_INT(level(6), 4, "① under 1、 is level 4");
    EQ_STR(sec(6), "1.1.1.1", "dotted path");
    EQ_STR(kind(4), "overview", "subsection inherits overview");
    EQ_STR(kind(7), "container", "container heading");
    EQ_STR(kind(8), "proactive", "child of a container: own kind");
    EQ_STR(kind(9), "requests", "child of a container: own kind (2)");
    EQ_STR(sec(9), "2.2", "sec of the second child");
    EQ_STR(kind(10), "problems", "problems");
    EQ_STR(role(11), "noise", "restarting numbering is noise");
    EQ_STR(kind(11), "problems", "noise stays in its section");
    EQ_STR(role(12), "heading", "the next real heading");
    EQ_STR(sec(12), "4", "numbering goes on after the noise");
    EQ_STR(kind(12), "plan", "plan");
}

static void test_typo(void)
{
    OK(load("一、概述\n正文。\n二、主动公开政府信息情况\n正文。\n二、收到和处理政府信息公开申请情况\n正文。\n"
            "四、政府信息公开行政复议、行政诉讼情况\n正文。\n", GX_FROM_TEXT), "load typo");
    EQ_STR(role(5), "heading", "a numeral repeated on a heading of a known kind: a typo, still a heading");
    EQ_STR(kind(5), "requests", "with its kind");
    EQ_STR(role(7), "heading", "the numbering goes on");
    EQ_STR(sec(7), "4", "sec 4");
}

static void test_generic(void)
{
    OK(load("一、概述\n正文。\n二、政府信息公开基本情况\n（一）公开的主要形式\n（二）主动公开政府信息的数量\n"
            "三、依申请公开情况\n", GX_FROM_TEXT), "load generic");
    EQ_STR(kind(3), "proactive", "second overview-like heading takes its children's kind");
    EQ_STR(kind(4), "proactive", "and its children inherit it");
    EQ_STR(kind(6), "requests", "requests");
    EQ_STR(kind(2), "overview", "text has its section's kind");
    EQ_STR(kind(1), "overview", "first overview");
}

static void test_tables_paras(void)
{
    OK(load("一、概述\n"
            "这一句很长很长，写到一行的末尾还没有写完，后面是分页留下的空行，下一段接着写\n"
            "\n"
            "\f完才算结束。\n"
            "（一）主动公开。正文接着写，\n"
            "还是同一段。\n"
            "名称\t数量\n"
            "1、甲\t3\n"
            "\n"
            "二、乙\t4\n"
            "二、主动公开\n", GX_FROM_TEXT), "load tables");
    EQ_INT(doc.lines[3].para, doc.lines[1].para, "A-PARA: a sentence split by a page break is one paragraph");
    EQ_INT(doc.lines[3].page, 2, "form feed: next page");
    EQ_STR(role(5), "heading", "run-in heading");
    EQ_INT(doc.lines[5].para, doc.lines[4].para, "run-in heading text goes on on the next line");
    EQ_STR(role(8), "table", "a numbered line with a TAB is a table row");
    EQ_STR(role(9), "blank", "blank line inside a table");
    EQ_INT(doc.lines[8].table, 1, "and it keeps the table number");
    EQ_STR(role(10), "table", "二、乙\\t4 is a row, not a heading");
    EQ_STR(role(11), "heading", "the heading after the table");
    EQ_STR(sec(11), "2", "the table row did not count as a section");
}

static void test_dropped_tabs(void)
{
    OK(load("八、主要问题\n正文。\n附表\n统计指标\t单位\t统计数\n一、主动公开情况\t\t\n（一）主动公开政府信息数\t条\t5\n\n"
            "二、回应解读情况\n\n（一）回应数\t次\t3\n三、依申请公开情况\n（一）收到申请数\t件\t2\n", GX_FROM_TEXT),
       "load dropped tabs");
    EQ_STR(role(8), "table", "a group row without its TABs, between rows, stays in the table");
    EQ_STR(role(10), "table", "the next one too");
    EQ_INT(doc.lines[11].table, 1, "one table block");
    OK(load("名称\t数量\n甲\t1\n\n- 2 -\n\n\f乙\t2\n", GX_FROM_TEXT), "load footer");
    EQ_INT(doc.lines[3].table, 1, "a page footer between rows stays in the table");
    EQ_INT(doc.lines[5].table, 1, "the row on the next page too");
}

static void test_layout(void)
{
    OK(load("二、主动公开政府信息情况\n"
            "第二十条第（一）项\n"
            "信息内容        本年制发件数   本年废止件数   现行有效件数\n"
            "规章              0              0              0\n"
            "     1.行政规范性\n"
            "                  147            55             379\n"
            "     文件\n"
            "\n"
            "三、收到和处理政府信息公开申请情况\n", GX_FROM_TEXT), "load layout");
    EQ_STR(role(2), "table", "caption before the first space-aligned row");
    EQ_STR(role(3), "table", "header row");
    EQ_STR(role(5), "table", "wrapped label: table, not heading");
    EQ_STR(role(7), "table", "wrapped label after the last row");
    EQ_STR(role(9), "heading", "heading after the table");
    EQ_STR(sec(9), "2", "…numbered on");
    OK(load("一、概述\n"
            "2020 年，全市共受理政府信息公开申请  138  件，办结  138  件。\n", GX_FROM_TEXT), "load justified");
    EQ_STR(role(2), "text", "a justified sentence with wide gaps is not a table");
}

static void test_toc_runin(void)
{
    OK(load("目录\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n\n"
            "一、总体情况\n正文。\n二、主动公开政府信息情况\n正文。\n三、收到和处理政府信息公开申请情况\n",
            GX_FROM_TEXT), "load toc");
    EQ_STR(role(2), "text", "table of contents: not a heading");
    EQ_STR(role(4), "text", "table of contents: not a heading (2)");
    EQ_STR(role(6), "heading", "the body's first heading");
    EQ_STR(sec(6), "1", "numbered from 1");
    EQ_STR(role(10), "heading", "and on");
    EQ_STR(kind(10), "requests", "with its kind");
    OK(load("一、概述  本年度，全市共主动公开政府信息一千余条，比上年有所增加，各项工作稳步推进\n"
            "第二部分 依申请公开情况\n", GX_FROM_TEXT), "load gap run-in");
    EQ_STR(role(1), "heading", "title followed by a wide gap: run-in heading");
    EQ_STR(kind(1), "overview", "its kind from the title before the gap");
    EQ_STR(role(2), "heading", "第二部分 style");
    EQ_STR(kind(2), "requests", "第二部分 kind");
    OK(load("第一部分 总体情况\n一、概述\n正文。\n二、主动公开\n正文。\n第二部分 统计\n一、依申请公开\n正文。\n"
            "二、行政复议\n", GX_FROM_TEXT), "load parts");
    EQ_STR(role(7), "heading", "一、 again in a new part is a heading, not a restart");
    EQ_STR(sec(7), "2.1", "…under the second part");
    EQ_INT(level(2), 2, "一、 under 第一部分: level 2");
    EQ_STR(kind(7), "requests", "its own kind under a part without a kind");
    OK(load("一、概述\n第一，进一步加强组织领导。\n", GX_FROM_TEXT), "load 第一，");
    EQ_STR(role(2), "text", "第一，… is an enumeration, not a heading");
}

int main(void)
{
    gx_prog_init("test_segment");
    gx_seg_doc_init(&doc);
    test_decode();
    test_html();
    test_outline();
    test_generic();
    test_typo();
    test_tables_paras();
    test_layout();
    test_dropped_tabs();
    test_toc_runin();
    gx_seg_doc_free(&doc);
    return UNIT_DONE();
}
