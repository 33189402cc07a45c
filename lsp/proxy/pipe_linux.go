package proxy

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// pipeSize is the buffer size asked for the pipes to and from gopls and for
// the pipe to the editor. Linux's default, 64 KiB, splits a large reply
// (completion in a big package, semantic tokens of a long file) into several
// writes, each waiting for the reader to be scheduled; on a busy 2-core
// machine that was a large part of the proxy's added latency. 1 MiB is the
// default /proc/sys/fs/pipe-max-size; on failure the size stays as it was.
const pipeSize = 1 << 20

// growPipe enlarges the pipe behind f if f is a pipe (a regular file or a
// terminal is left alone: fcntl fails on them). SyscallConn is used rather
// than Fd, which would switch the descriptor to blocking mode.
func growPipe(f any) {
	sc, ok := f.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_, _ = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize)
	})
}
