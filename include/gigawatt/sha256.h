/* include/gigawatt/sha256.h — SHA-256 (FIPS 180-4) of a byte string, as
 * lowercase hex (core). The result store records each run's scenario by
 * this hash, the same digits `sha256sum FILE` prints. */
#ifndef GIGAWATT_SHA256_H
#define GIGAWATT_SHA256_H

#include <stddef.h>

#define GW_SHA256_HEX_LEN 64

/* hex[0..63] the digest of data[0..len), hex[64] = 0. */
void gw_sha256_hex(const void *data, size_t len, char hex[GW_SHA256_HEX_LEN + 1]);

#endif
