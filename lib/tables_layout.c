/* tables_layout.c - pdftotext -layout tables: columns from whitespace gaps. */
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "text.h"

void tb_split_layout(const tb_know *k, tb_grid *g, const tb_line *lines, int nlines)
{
    (void)k;
    for (int i = 0; i < nlines; i++) tb_split_tabs(g, lines[i].s, lines[i].n, lines[i].src, 0);
}
