//go:build !unix

package gototraining

import "io/fs"

// checkOwnership: elsewhere (Windows above all) access is governed by ACLs
// that file modes do not express (Go reports 0666 for any writable file),
// and there is no user id to compare, so FileTokenStore checks neither
// modes nor owners; the file's protection is that of the directory it is
// in, such as the user's profile.
const checkOwnership = false

func fileOwner(fs.FileInfo) (int, bool) { return 0, false }
