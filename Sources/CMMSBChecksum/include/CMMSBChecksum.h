// CRC32C (Castagnoli) for MMSB's log records, manifests and checkpoints.
//
// The polynomial is 0x1EDC6F41 (reflected 0x82F63B78), the one of iSCSI (RFC 3720), ext4, LevelDB and
// RocksDB, with the usual pre- and post-inversion: the check value of "123456789" is 0xE3069283.
//
// On x86_64 CPUs with SSE4.2 the `crc32` instruction is used (three interleaved streams for large
// buffers); everywhere else a portable slicing-by-8 table implementation. Both give identical results.
// No function here allocates, locks or keeps state; all are safe to call from any thread.

#ifndef CMMSB_CHECKSUM_H
#define CMMSB_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

// Nullability qualifiers are a clang extension; other compilers see plain pointers.
#if !defined(__clang__) && !defined(_Nullable)
#define _Nullable
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// The CRC32C of the bytes already covered by `crc` followed by `length` bytes at `data`.
///
/// Pass 0 as `crc` to start. Extending in pieces gives the same value as one call over the
/// concatenation: `extend(extend(0, a), b) == extend(0, a ‖ b)`. `data` may be null when `length` is 0,
/// and then `crc` is returned unchanged. Uses the hardware path when `mmsb_crc32c_hardware()` is 1.
uint32_t mmsb_crc32c_extend(uint32_t crc, const void *_Nullable data, size_t length);

/// The same value as `mmsb_crc32c_extend`, always computed by the portable table implementation.
///
/// For tests that compare the two paths, and for measuring the fallback.
uint32_t mmsb_crc32c_extend_portable(uint32_t crc, const void *_Nullable data, size_t length);

/// 1 when `mmsb_crc32c_extend` uses the SSE4.2 `crc32` instruction on this CPU, 0 when it uses the
/// portable tables.
int mmsb_crc32c_hardware(void);

#ifdef __cplusplus
}
#endif

#endif // CMMSB_CHECKSUM_H
