//go:build contract && linux

package contract_test

import "syscall"

// prismProcAttr puts Prism in its own process group, so that the cleanup can
// stop it and anything it started, and has the kernel kill it if the test
// binary dies first (a -timeout panic runs no cleanup).
func prismProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
