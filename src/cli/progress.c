/* src/cli/progress.c — progress of long commands on stderr (cli layer): a
 * bar with rate and ETA when stderr is a terminal, one summary line at the
 * end otherwise (only for runs longer than 2 s, so short runs stay silent),
 * nothing with --quiet. Ctrl-C sets a flag the library polls through the
 * progress callback; the computation then stops and nothing is written. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t stop_requested;

static void on_sigint(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_begin(cli_progress *p, const char *what, const char *unit, int quiet)
{
    memset(p, 0, sizeof *p);
    p->what = what, p->unit = unit, p->quiet = quiet;
    p->tty = isatty(2);
    p->t0 = p->last = now_s();
    stop_requested = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

static void duration(char *b, size_t n, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(b, n, "--");
    else if (s < 10)
        snprintf(b, n, "%.1fs", s);
    else if (s < 60)
        snprintf(b, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(b, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
    else
        snprintf(b, n, "%.0fh%02.0fm", floor(s / 3600), fmod(s / 60, 60));
}

/* A count as people read it: 100,000 and 36,200 (three significant figures
 * above 1,000), not 1e+05 and 3.62e+04. */
static void count(char *b, size_t n, double v)
{
    if (!isfinite(v) || v < 0 || v >= 1e15) {
        snprintf(b, n, "%.3g", v);
        return;
    }
    if (v >= 1000) { /* three significant figures */
        double scale = pow(10, floor(log10(v)) - 2);
        v = round(v / scale) * scale;
    } else if (v != floor(v)) {
        snprintf(b, n, "%.3g", v);
        return;
    }
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%.0f", v), at = 0;
    for (int i = 0; i < len && at + 2 < (int)n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            b[at++] = ',';
        b[at++] = digits[i];
    }
    b[at] = 0;
}

int cli_progress_cb(void *user, double done, double total, double items)
{
    cli_progress *p = user;
    p->items = items;
    if (stop_requested)
        return 1;
    double t = now_s();
    if (!p->tty || p->quiet || t - p->last < 0.2)
        return 0;
    p->last = t;
    double f = total > 0 ? done / total : 0, el = t - p->t0;
    char eta[32];
    duration(eta, sizeof eta, f > 0 ? el * (1 - f) / f : NAN);
    char bar[31];
    int fill = (int)(f * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = 0;
    char rate[32];
    count(rate, sizeof rate, el > 0 ? items / el : 0);
    fprintf(stderr, "\r%s [%s] %5.1f%%  %s %s/s  ETA %s   ", p->what, bar, 100 * f, rate,
            p->unit, eta);
    fflush(stderr);
    return 0;
}

void cli_progress_end(cli_progress *p, int rc)
{
    signal(SIGINT, SIG_DFL);
    if (p->quiet)
        return;
    double el = now_s() - p->t0;
    if (p->tty)
        fprintf(stderr, "\r%*s\r", 79, "");
    if (rc == GW_E_STOPPED)
        return; /* the error line says what was kept */
    if (rc == GW_OK && (p->tty || el > 2)) {
        char d[32], c[32], r[32];
        duration(d, sizeof d, el);
        count(c, sizeof c, p->items);
        count(r, sizeof r, el > 0 ? p->items / el : 0);
        fprintf(stderr, "gigawatt: %s: %s %s in %s (%s/s)\n", p->what, c, p->unit, d, r);
    }
}
