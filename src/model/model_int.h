/* src/model/model_int.h — helpers shared by the model files (models layer,
 * internal: not installed). */
#ifndef GW_MODEL_INT_H
#define GW_MODEL_INT_H

#include <math.h>
#include <stddef.h>

/* 1 when every value is finite: finite inputs can still overflow a double
 * on the way (1e308 W x 72), and a model must then fail, not print null. */
static inline int gwi_all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

#endif
