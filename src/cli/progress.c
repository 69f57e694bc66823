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
    else if (s < 60)
        snprintf(b, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(b, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
    else
        snprintf(b, n, "%.0fh%02.0fm", floor(s / 3600), fmod(s / 60, 60));
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
    fprintf(stderr, "\r%s [%s] %5.1f%%  %.3g %s/s  ETA %s   ", p->what, bar, 100 * f,
            el > 0 ? items / el : 0, p->unit, eta);
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
        char d[32];
        duration(d, sizeof d, el);
        fprintf(stderr, "gigawatt: %s: %.4g %s in %s (%.3g/s)\n", p->what, p->items, p->unit, d,
                el > 0 ? p->items / el : 0);
    }
}
