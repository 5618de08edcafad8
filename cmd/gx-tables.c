/* gx-tables - rebuild every table block of the document stream as a grid:
 * one `cell` row per value cell, with its row and column label paths. */
#include <string.h>

#include "gx.h"
#include "tables.h"

static const gx_opt opts[] = {
    {"from", 'f', "FORMAT", "input format: stream (the document stream, default) or csv (one table per CSV file)", "stream csv"},
    {"doc", 0, "NAME", "document id for --from csv (default: the file name)", NULL},
    {"no-flags", 0, NULL, "write the 14 columns of the document stream only, without `flags`", NULL},
    GX_COMMON_OPTS,
    {0},
};

static const gx_cmd cmd = {
    .name = "gx-tables",
    .synopsis = "[OPTION]... [FILE]...",
    .summary = "rebuild the table blocks of a document stream as cells with row and column label paths",
    .opts = opts,
    .details =
        "Reads the document stream written by gx-segment and writes it back unchanged, with one\n"
        "row of role `cell` per value cell after the last raw line of each table block:\n"
        "table, row, col (1-based grid coordinates), rowhead and colhead (the full row label\n"
        "and column header paths, parts joined by \" | \", whitespace next to CJK characters\n"
        "deleted) and text (the cell as printed). Tab-separated rows, one cell per line,\n"
        "markdown pipe tables and pdftotext -layout columns are recognised per block.\n"
        "A trailing column `flags` notes what needed judgement: shifted (extra empty cells\n"
        "before the values dropped), wrapped (row label joined from a wrapped line), padded,\n"
        "overflow, lead_empty=N (a value row starting with N empty cells under an empty header:\n"
        "it may belong N columns to the left), nohead, nolabel, stitched, guessed.\n"
        "Cells are never dropped: what cannot be aligned is emitted where it stands, flagged.",
    .examples =
        "gx-segment report.txt | gx-tables\n"
        "gx-segment report.txt | gx-tables | awk -F'\\t' '$8==\"cell\"' | cut -f9-15\n"
        "gx-tables --from csv table.csv\n"
        "pdftotext -layout report.pdf - | gx-segment | gx-tables | gx-normalize",
};

int main(int argc, char **argv)
{
    gx_prog_init("gx-tables");
    gx_getopt_state st;
    memset(&st, 0, sizeof st);
    const char *arg, *files0 = NULL, *from = "stream";
    gx_tables_opts o = {.flags_column = true};
    int c;
    while ((c = gx_getopt(&cmd, &st, argc, argv, &arg)) != -1) {
        if (c == 'f') from = arg;
        else if (c == gx_opt_id(&cmd, "doc")) o.doc = arg;
        else if (c == gx_opt_id(&cmd, "no-flags")) o.flags_column = false;
        else if (c == gx_opt_id(&cmd, "files0-from")) files0 = arg;
        else if (c == gx_opt_id(&cmd, "no-header")) o.no_header = true;
    }
    int first = st.optind;
    gx_getopt_free(&st);
    if (strcmp(from, "stream") == 0) {
        gx_tsv_in in;
        gx_tsv_in_init(&in, argc - first, argv + first, files0, gx_doc_columns, GX_DOC_NCOL);
        gx_tables_stream(&o, &in);
        gx_tsv_in_free(&in);
    } else if (strcmp(from, "csv") == 0) {
        gx_inputs in;
        gx_inputs_init(&in, argc - first, argv + first, files0);
        gx_tables_csv(&o, &in);
        gx_inputs_free(&in);
    } else {
        gx_error_at(NULL, 0, "unknown --from format \"%s\" (stream or csv)", from);
        return GX_EXIT_ERROR;
    }
    gx_out_flush();
    return gx_error_count() ? GX_EXIT_ERROR : GX_EXIT_OK;
}
