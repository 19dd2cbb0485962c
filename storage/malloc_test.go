//go:build linux && cgo

package storage

import "testing"

func TestMallocTuning(t *testing.T) {
	if !mallocTuned {
		t.Skip("not glibc, or thresholds set in the environment")
	}
	for _, name := range []string{"MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"} {
		env := func(k string) string {
			if k == name {
				return "131072"
			}
			return ""
		}
		if tuneMalloc(env) {
			t.Errorf("%s set in the environment, yet the thresholds were changed", name)
		}
	}
	if !tuneMalloc(func(string) string { return "" }) {
		t.Error("thresholds not applied")
	}
}
