/* include/gigawatt/units.h — quantities with units (config layer).
 *
 * Inputs carry units ("132 kW", "4.8 TB/s", "80 GiB", "45 USD/MWh",
 * "18 months"); inside the library everything is SI plus byte, FLOP and USD.
 * A dimension is a vector of exponents over eight base units (the ampere
 * last, for bus voltages and currents), so compound
 * units ("USD/GPU-h", "J/kg/K", "L/kWh") parse without a table of every
 * combination, and "132 kg" where a power is expected is caught by comparing
 * vectors. The full unit list is in docs/units.md. */
#ifndef GIGAWATT_UNITS_H
#define GIGAWATT_UNITS_H

#include <stddef.h>

enum { GW_BASE_KG, GW_BASE_M, GW_BASE_S, GW_BASE_K, GW_BASE_BYTE, GW_BASE_FLOP,
       GW_BASE_USD, GW_BASE_A, GW_NBASE };

typedef struct gw_dim {
    signed char e[GW_NBASE]; /* exponent of each base unit */
} gw_dim;

/* Dimensions the models use, by name. */
typedef enum gw_dim_id {
    GW_DIM_NONE,          /* dimensionless: fractions, counts, ratios */
    GW_DIM_POWER,         /* W */
    GW_DIM_ENERGY,        /* J */
    GW_DIM_TIME,          /* s */
    GW_DIM_BYTES,         /* byte */
    GW_DIM_BYTE_RATE,     /* byte/s */
    GW_DIM_FLOP,          /* FLOP */
    GW_DIM_FLOP_RATE,     /* FLOP/s */
    GW_DIM_USD,           /* USD */
    GW_DIM_USD_PER_ENERGY,/* USD/J */
    GW_DIM_USD_PER_POWER, /* USD/W */
    GW_DIM_USD_PER_TIME,  /* USD/s */
    GW_DIM_MASS,          /* kg */
    GW_DIM_AREA,          /* m^2 */
    GW_DIM_AREAL_MASS,    /* kg/m^2 (floor loading) */
    GW_DIM_DENSITY,       /* kg/m^3 */
    GW_DIM_SPECIFIC_HEAT, /* J/(kg K) */
    GW_DIM_TEMPERATURE,   /* K (differences) */
    GW_DIM_VOLUME,        /* m^3 */
    GW_DIM_VOLUME_RATE,   /* m^3/s */
    GW_DIM_VOLUME_PER_ENERGY, /* m^3/J (water usage effectiveness) */
    GW_DIM_PER_POWER,     /* 1/W (staff per MW) */
    GW_DIM_VOLTAGE,       /* V = W/A (busbar voltage) */
    GW_DIM_POWER_RATE,    /* W/s (ramp rates: "20 MW/min") */
    GW_DIM_FREQUENCY,     /* Hz = 1/s */
    GW_DIM_COUNT_
} gw_dim_id;

gw_dim gw_dim_of(gw_dim_id id);
int gw_dim_equal(gw_dim a, gw_dim b);
/* "power", "energy" ... or "" for a dimension without a name. */
const char *gw_dim_name(gw_dim d);
/* An example input of that dimension, e.g. "700 W". */
const char *gw_dim_example(gw_dim_id id);
/* Writes the dimension as SI base units, e.g. "kg*m^2*s^-3". */
void gw_dim_format(gw_dim d, char *buf, size_t n);

/* Parse "<number> [unit]" into an SI value and its dimension.
 * Rejects NaN, infinities, hex and overflow. On failure returns nonzero and
 * writes a one-line reason into why[0..nwhy) and, in *errcol, the 0-based
 * offset within `text` where the problem starts. */
int gw_quantity_parse(const char *text, double *value_si, gw_dim *dim, char *why,
                      size_t nwhy, int *errcol);

/* Seconds in a year and a month as the parser defines them (365 d, 1/12). */
#define GW_SECONDS_PER_YEAR (365.0 * 86400.0)
#define GW_HOURS_PER_YEAR 8760.0

#endif
