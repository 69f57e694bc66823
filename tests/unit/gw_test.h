/* tests/unit/gw_test.h — a tiny test harness: typed asserts that print
 * both sides (libuv style), a failure count, and a summary line. */
#ifndef GW_TEST_H
#define GW_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int gw_test_failures, gw_test_checks;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        gw_test_checks++;                                                            \
        if (!(cond)) {                                                               \
            gw_test_failures++;                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

/* |a - b| <= rel * max(|a|, |b|) or <= 1e-12 absolute */
#define CHECK_NEAR(a, b, rel)                                                                \
    do {                                                                                     \
        double a_ = (a), b_ = (b);                                                           \
        gw_test_checks++;                                                                    \
        if (!(fabs(a_ - b_) <= (rel) * fmax(fabs(a_), fabs(b_)) || fabs(a_ - b_) <= 1e-12)) { \
            gw_test_failures++;                                                              \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %s = %.17g (rel %g)\n", __FILE__,   \
                    __LINE__, #a, a_, #b, b_, (double)(rel));                                \
        }                                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                                  \
    do {                                                                                 \
        long long a_ = (long long)(a), b_ = (long long)(b);                              \
        gw_test_checks++;                                                                \
        if (a_ != b_) {                                                                  \
            gw_test_failures++;                                                          \
            fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #a, \
                    a_, b_);                                                             \
        }                                                                                \
    } while (0)

#define CHECK_STR_HAS(hay, needle)                                                         \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        gw_test_checks++;                                                                  \
        if (!h_ || !strstr(h_, n_)) {                                                      \
            gw_test_failures++;                                                            \
            fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__,     \
                    h_ ? h_ : "(null)", n_);                                               \
        }                                                                                  \
    } while (0)

static int gw_test_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, gw_test_checks, gw_test_failures);
    return gw_test_failures ? 1 : 0;
}

#endif
