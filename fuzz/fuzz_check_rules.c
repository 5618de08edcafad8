/* Fuzz the rules-table loader of gx-check (lib/check_rules.c) on arbitrary
 * bytes; a table that loads is then evaluated over a small fixed document,
 * so arbitrary rules exercise the evaluator too (output to /dev/null). */
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const facts[][7] = {
    /* indicator, dim, value, state, source, unit, ref */
    {"apply.reply.total", "total", "89", "number", "table", "件", "\\N"},
    {"apply.reply.granted", "total", "60", "number", "table", "件", "\\N"},
    {"apply.reply.partial", "total", "\\N", "empty", "table", "件", "\\N"},
    {"apply.result.total", "natural_person", "3", "number", "table", "件", "\\N"},
    {"apply.result.total", "total", "3", "number", "table", "件", "\\N"},
    {"review.total", "total", "2.5", "number", "narrative", "件", "\\N"},
    {"review.total", "total", "\\N", "text", "table", "件", "\\N"},
    {"unmapped", "total", "4", "number", "table", "", "T1:r1:c1"},
    {"unmapped", "total", "0", "number", "table", "", "T1:r1:c2"},
    {"unmapped", "total", "99.5", "number", "table", "%", "T1:r2:c1"},
    {"unmapped", "total", "0.5", "number", "table", "%", "T1:r2:c2"},
};

static void add_facts(check_doc *d, const char *schema)
{
    gx_record rec = {0};
    char line[512];
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        int n = snprintf(line, sizeof line, "d\t2020\torg\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t3\t%s\tbound=ge\traw",
                         schema, facts[i][0], facts[i][1], facts[i][2], facts[i][5], facts[i][3],
                         facts[i][4], facts[i][6]);
        gx_tsv_split(&rec, line, (size_t)n);
        rec.file = "fuzz";
        rec.line = (long)i + 2;
        check_doc_add(d, &rec);
    }
    gx_record_free(&rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool quiet;
    if (!quiet) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) dup2(fd, 1);
        quiet = true;
    }
    check_rules rs;
    char err[300];
    if (check_rules_parse(&rs, (const char *)data, size, "fuzz", err, sizeof err)) {
        static const char *const schemas[] = {"legacy-table", "modern-2021"};
        for (int k = 0; k < 2; k++) {
            check_doc d, prev;
            check_doc_init(&d);
            check_doc_init(&prev);
            add_facts(&d, schemas[k]);
            add_facts(&prev, schemas[k]);
            check_doc_index(&prev);
            d.prev = &prev;
            check_opts o = {.all = true, .annotate = k == 1};
            check_tally t;
            memset(&t, 0, sizeof t);
            gx_buf_init(&t.worst);
            check_doc_run(&d, &rs, &o, &t);
            gx_buf_free(&t.worst);
            check_doc_free(&d);
            check_doc_free(&prev);
        }
    }
    check_rules_free(&rs);
    return 0;
}
