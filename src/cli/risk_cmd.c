/* src/cli/risk_cmd.c — what the command line does for `gigawatt risk`
 * beyond every command's parsing and printing (src/cli/main.c), which the
 * library cannot: the MPI transport when an MPI launcher started this
 * process (only rank 0 prints and writes), the default result store beside
 * -o FILE, the command line the store records, and the outputs named in
 * the command that continues a stopped run. The run itself is the
 * library's (gw_command_run -> src/scenario/risk_command.c, src/par).
 *
 * MPI is initialised only when the process was started by an MPI launcher
 * (OMPI_COMM_WORLD_SIZE / PMI_SIZE set), so the same binary runs alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_par_start(cli_par *p, int *argc, char ***argv)
{
    memset(p, 0, sizeof *p);
#ifdef GW_HAVE_MPI
    p->mpi = gw_par_mpi_start(&p->t, argc, argv);
#else
    /* started by mpirun with several ranks but built without MPI: each rank
     * would think itself alone and write the same store */
    (void)argc, (void)argv;
    p->t = gw_par_local();
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    p->foreign = n && atoi(n) > 1;
#endif
    return p->t.rank;
}

int cli_par_foreign(const cli_par *p)
{
    if (!p->foreign)
        return 0;
    fprintf(stderr, "gigawatt: this gigawatt was built without MPI but runs as one of "
                    "several MPI processes; expected one process, or a build with MPI "
                    "(scripts/deps installs OpenMPI)\n");
    return 2;
}

void cli_par_end(const cli_par *p)
{
#ifdef GW_HAVE_MPI
    if (p->mpi)
        gw_par_mpi_end();
#else
    (void)p;
#endif
}

void cli_default_db(const char *out, char *buf, size_t n)
{
    const char *slash = out ? strrchr(out, '/') : NULL;
    struct stat sb; /* -o /dev/stdout: not beside a device, here */
    if (out && stat(out, &sb) == 0 && !S_ISREG(sb.st_mode))
        slash = NULL;
    if (slash)
        snprintf(buf, n, "%.*s/gigawatt.db", (int)(slash - out), out);
    else
        snprintf(buf, n, "gigawatt.db");
}

void cli_resume_outputs(int json, const char *out, const char *html, gw_error *err)
{
    char outs[700];
    snprintf(outs, sizeof outs, "%s%s%.300s%s%.300s", json ? " --json" : "", out ? " -o " : "",
             out ? out : "", html ? " --html " : "", html ? html : "");
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, "%s", outs);
}
