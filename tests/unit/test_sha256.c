/* tests/unit/test_sha256.c — SHA-256 (gigawatt/sha256.h), the content hash
 * the result store keeps of a run's scenario: the FIPS 180-2 examples ("abc",
 * the two-block message, a million 'a'), and the lengths where the padding
 * moves to a second block (55, 56, 64 bytes; digests from Python's
 * hashlib). */
#include <stdlib.h>
#include <string.h>

#include "gigawatt/sha256.h"
#include "gw_test.h"

static void check_digest(const char *data, size_t len, const char *want)
{
    char hex[GW_SHA256_HEX_LEN + 1];
    gw_sha256_hex(data, len, hex);
    CHECK_STR_HAS(hex, want);
    CHECK_INT(strlen(hex), GW_SHA256_HEX_LEN);
}

int main(void)
{
    check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_digest(two, strlen(two),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    CHECK(a != NULL);
    if (!a)
        return gw_test_done("test_sha256");
    memset(a, 'a', 1000000);
    check_digest(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    check_digest(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    check_digest(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    check_digest(a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
    return gw_test_done("test_sha256");
}
