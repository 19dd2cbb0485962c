//go:build linux && cgo

package storage

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static int bhyt_tune_malloc(int trim, int mmap) {
	return mallopt(M_TRIM_THRESHOLD, trim) == 1 && mallopt(M_MMAP_THRESHOLD, mmap) == 1;
}
#else
static int bhyt_tune_malloc(int trim, int mmap) { return 0; }
#endif
*/
import "C"

import "os"

// SQLite gets its memory from the C allocator: every statement prepared and finalized
// (database/sql through mattn/go-sqlite3 prepares each Exec), its page cache, its
// savepoint journals. With glibc's defaults (trim threshold 128 KiB, mmap threshold
// 128 KiB, adjusted dynamically) freeing memory at the top of the heap often gives it back
// to the kernel (brk shrink) and the next statement faults it in again; larger blocks are
// mmap'ed and unmapped each time. Each shrink or unmap is a TLB shootdown across CPUs,
// which is very expensive in a virtual machine: measured in this repository's benchmarks
// an outbox insert inside a transaction took 60–180 µs instead of 12 µs, and a batch of
// 100 updates ran at ~4,000 updates/s instead of ~22,000. Keeping up to 8 MiB free at the
// heap top and serving blocks under 4 MiB from the heap removes that churn for a bounded
// amount of retained memory.
//
// The glibc environment variables MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_
// still win: when either is set, nothing is changed. Other C libraries: nothing changes.
const (
	mallocTrimThreshold = 8 << 20
	mallocMmapThreshold = 4 << 20
)

// mallocTuned reports whether the thresholds above were applied at start.
var mallocTuned = tuneMalloc(os.Getenv)

func tuneMalloc(getenv func(string) string) bool {
	if getenv("MALLOC_TRIM_THRESHOLD_") != "" || getenv("MALLOC_MMAP_THRESHOLD_") != "" {
		return false
	}
	return C.bhyt_tune_malloc(C.int(mallocTrimThreshold), C.int(mallocMmapThreshold)) == 1
}
