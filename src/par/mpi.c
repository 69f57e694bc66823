/* src/par/mpi.c — the MPI transport (engines layer, par), built only when
 * CMake finds MPI, into the library gigawatt_mpi: libgigawatt stays free of
 * an MPI link, and a program asks for MPI by linking this (the gigawatt
 * CLI does). MPI is initialised only when the process was started by an
 * MPI launcher, so the same binary runs alone. */
#include <stdlib.h>

#include <mpi.h>

#include "gigawatt/par.h"

static void mpi_broadcast(void *user, void *buf, size_t bytes)
{
    (void)user;
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void mpi_gather(void *user, const void *mine, int nmine, void *all, const int *counts)
{
    int size = 1;
    (void)user;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int *displs = calloc((size_t)(unsigned)size, sizeof *displs);
    for (int r = 1; r < size && displs; r++)
        displs[r] = displs[r - 1] + counts[r - 1];
    MPI_Gatherv(mine, nmine, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(displs);
}

static void mpi_exchange(void *user, const float *send, const int *scount, const int *sdispl,
                         float *recv, const int *rcount, const int *rdispl)
{
    (void)user;
    MPI_Alltoallv(send, scount, sdispl, MPI_FLOAT, recv, rcount, rdispl, MPI_FLOAT,
                  MPI_COMM_WORLD);
}

static int mpi_agree(void *user, int status)
{
    int all = status;
    (void)user;
    MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all;
}

int gw_par_mpi_start(gw_par_transport *t, int *argc, char ***argv)
{
    *t = gw_par_local();
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK"))
        return 0;
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &t->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &t->size);
    t->broadcast = mpi_broadcast;
    t->gather = mpi_gather;
    t->exchange = mpi_exchange;
    t->agree = mpi_agree;
    return 1;
}

void gw_par_mpi_end(void)
{
    MPI_Finalize();
}
