/* Unit tests for the core library's reader, operands and table loader. */
#include "gx.h"
#include "unit.h"
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/gx-unit-XXXXXX";

static const char *write_file(const char *name, const char *data, size_t n)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
    return path;
}

static void test_reader(void)
{
    const char *p = write_file("a", "one\ntwo\r\n\nlast", strlen("one\ntwo\r\n\nlast"));
    gx_reader r;
    OK(gx_reader_open(&r, p), "reader: open");
    char *line; size_t n;
    OK(gx_reader_next(&r, &line, &n) && n == 3 && !strcmp(line, "one"), "reader: first line");
    OK(gx_reader_next(&r, &line, &n) && n == 4 && !strcmp(line, "two\r"), "reader: CR kept");
    OK(gx_reader_next(&r, &line, &n) && n == 0, "reader: empty line");
    OK(gx_reader_next(&r, &line, &n) && !strcmp(line, "last") && r.lineno == 4, "reader: last line without LF");
    OK(!gx_reader_next(&r, &line, &n) && !r.err, "reader: end");
    gx_reader_close(&r);

    /* lines longer than the read block, and the max_line limit */
    size_t big = 1000000;
    char *data = malloc(big + 8);
    memset(data, 'x', big);
    memcpy(data + big, "\nend\n", 5);
    p = write_file("big", data, big + 5);
    OK(gx_reader_open(&r, p), "reader: open big");
    OK(gx_reader_next(&r, &line, &n) && n == big, "reader: 1 MB line read whole");
    OK(gx_reader_next(&r, &line, &n) && !strcmp(line, "end"), "reader: line after it");
    gx_reader_close(&r);
    OK(gx_reader_open(&r, p), "reader: reopen");
    r.max_line = 4096;
    fprintf(stderr, "# (an error message about a long line is expected next)\n");
    long before = gx_error_count();
    OK(!gx_reader_next(&r, &line, &n) && r.err, "reader: max_line enforced");
    EQ_INT(gx_error_count(), before + 1, "reader: long line counted as an error");
    gx_reader_close(&r);
    free(data);
}

static void test_inputs(void)
{
    const char *list = write_file("list", "a\0bb\0ccc", 8);
    char listpath[256];
    snprintf(listpath, sizeof listpath, "%s", list);
    gx_inputs in;
    gx_inputs_init(&in, 0, NULL, listpath);
    EQ_STR(gx_inputs_next(&in), "a", "files0: first");
    EQ_STR(gx_inputs_next(&in), "bb", "files0: second");
    EQ_STR(gx_inputs_next(&in), "ccc", "files0: last without NUL");
    OK(gx_inputs_next(&in) == NULL, "files0: end");
    gx_inputs_free(&in);
    gx_inputs_init(&in, 0, NULL, NULL);
    EQ_STR(gx_inputs_next(&in), "-", "inputs: stdin by default");
    OK(gx_inputs_next(&in) == NULL, "inputs: once");
    gx_inputs_free(&in);
}

#define TBL "# comment\nid\tlabel\n\na\tone\\ttab\nb\n"
static void test_table(void)
{
    const char *p = write_file("t.tsv", TBL, strlen(TBL));
    gx_table t;
    gx_table_load(&t, NULL, p);
    EQ_INT(t.nrows, 2, "table: rows, comments and blanks skipped");
    EQ_INT(gx_table_col(&t, "label"), 1, "table: column by name");
    EQ_STR(t.rows[0][1], "one\ttab", "table: fields unescaped");
    EQ_STR(t.rows[1][1], "", "table: short row padded with empty fields");
    gx_table_free(&t);
}

int main(void)
{
    if (!mkdtemp(dir)) return 2;
    test_reader();
    test_inputs();
    test_table();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 2;
    return UNIT_DONE();
}
