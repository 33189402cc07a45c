package index

import "hash/crc32"

// castagnoli is the CRC-32C table; the CPU computes it (SSE4.2, ARMv8 CRC)
// at many GB/s, so fingerprinting every file read costs next to nothing.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// contentSum is the checksum of a file's text that a snapshot keeps instead
// of the text. It is stable across processes, so the disk caches keep it
// with the facts they save.
func contentSum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// fingerprint records in e the text e was made from.
func (e *fileEntry) fingerprint(b []byte) *fileEntry {
	e.sum, e.size = contentSum(b), int64(len(b))
	return e
}

// matches reports whether b is the text e was made from. A checksum
// collision between two versions of one file of the same length is the
// only way a changed file passes (one in 2^32).
func (e *fileEntry) matches(b []byte) bool {
	return int64(len(b)) == e.size && contentSum(b) == e.sum
}
