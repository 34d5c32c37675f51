//go:build unix

package gototraining

import (
	"io/fs"
	"syscall"
)

// checkOwnership: on Unix, file modes and owners say who may read or
// replace the token file, so FileTokenStore checks them.
const checkOwnership = true

// fileOwner returns the user id that owns the file fi describes.
func fileOwner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
