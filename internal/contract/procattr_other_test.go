//go:build contract && !linux

package contract_test

import "syscall"

// prismProcAttr puts Prism in its own process group, so that the cleanup can
// stop it and anything it started.
func prismProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
