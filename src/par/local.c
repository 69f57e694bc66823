/* src/par/local.c — the local transport (engines layer, par): one process,
 * rank 0 of 1. A broadcast and an agreement have no one else to ask; a
 * gather and an exchange copy this rank's part to where it is received. */
#include <string.h>

#include "gigawatt/par.h"

static void local_broadcast(void *user, void *buf, size_t bytes)
{
    (void)user, (void)buf, (void)bytes;
}

static void local_gather(void *user, const void *mine, int nmine, void *all, const int *counts)
{
    (void)user, (void)counts;
    if (all != mine && nmine > 0)
        memcpy(all, mine, (size_t)nmine);
}

static void local_exchange(void *user, const float *send, const int *scount, const int *sdispl,
                           float *recv, const int *rcount, const int *rdispl)
{
    (void)user, (void)rcount;
    if (scount[0] > 0)
        memcpy(recv + rdispl[0], send + sdispl[0], sizeof(float) * (size_t)scount[0]);
}

static int local_agree(void *user, int status)
{
    (void)user;
    return status;
}

gw_par_transport gw_par_local(void)
{
    return (gw_par_transport){.rank = 0,
                              .size = 1,
                              .user = NULL,
                              .broadcast = local_broadcast,
                              .gather = local_gather,
                              .exchange = local_exchange,
                              .agree = local_agree};
}
