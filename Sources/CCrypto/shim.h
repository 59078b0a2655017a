#ifndef EXPOSURE_CCRYPTO_SHIM_H
#define EXPOSURE_CCRYPTO_SHIM_H
/* The system's OpenSSL libcrypto (Debian libssl-dev): only the EVP digest API, for SHA-256 checksums. */
#include <openssl/evp.h>
#endif
