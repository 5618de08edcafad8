/* unit.h - a minimal TAP harness for the C unit tests. */
#ifndef GX_UNIT_H
#define GX_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

/* cond is evaluated exactly once */
#define OK(cond, ...) do { \
    int ok_ = !!(cond); \
    ++unit_n; \
    if (ok_) { printf("ok %d - ", unit_n); } \
    else { ++unit_failed; printf("not ok %d - ", unit_n); } \
    printf(__VA_ARGS__); putchar('\n'); \
    if (!ok_) printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

#define EQ_STR(got, want, ...) do { \
    const char *g_ = (got), *w_ = (want); \
    int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
    OK(same_, __VA_ARGS__); \
    if (!same_) printf("#   got  [%s]\n#   want [%s]\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define EQ_INT(got, want, ...) do { \
    long long g_ = (long long)(got), w_ = (long long)(want); \
    OK(g_ == w_, __VA_ARGS__); \
    if (g_ != w_) printf("#   got  %lld\n#   want %lld\n", g_, w_); \
} while (0)

#define UNIT_DONE() (printf("1..%d\n", unit_n), unit_failed ? 1 : 0)
#endif
