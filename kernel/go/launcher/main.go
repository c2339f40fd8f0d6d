// The launcher starts a cell's program and makes sure that nothing the program starts outlives it:
// not a child that called setsid (it has left the program's process group, which is what the
// kernel kills), not a grandchild whose parent exited (a double fork: it is re-parented).
//
// It is a child subreaper (prctl PR_SET_CHILD_SUBREAPER): every orphan among its descendants is
// re-parented to it instead of to init, so its descendants stay its descendants. When the program
// exits, the launcher SIGKILLs every descendant left (found by walking /proc's parent links, again
// until none is left), then exits with the program's status (or dies of the program's signal). When
// the kernel dies (PR_SET_PDEATHSIG: SIGTERM) or the launcher is told to stop (SIGTERM, SIGINT,
// SIGHUP), it does the same and dies of that signal. A SIGQUIT (the kernel's interrupt) goes on to
// the program's running thread, so that its goroutine dump shows where it was.
//
// It also applies the kernel's memory cap (setrlimit RLIMIT_DATA before the program starts), which
// util-linux's prlimit did before: still one exec before the program.
//
// The program runs as it would from the kernel: the same path, argv, environment, working dir,
// file descriptors 0-2 and 3 (the cell's result channel, when the kernel opened it).
//
// The same binary is the kernel's watchdog (watchdog.go).
//
// Usage (started by the kernel, never by hand): launcher [-data BYTES] [-parent PID] -- PROGRAM [ARG...]
// or launcher -watchdog KERNEL_PID
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

const (
	prSetPdeathsig      = 1
	prSetChildSubreaper = 36
)

// fd3 is whether the kernel gave us file descriptor 3, looked at before anything of ours can open
// a file there: inherited, it is not close-on-exec.
var fd3 = func() bool {
	flags, _, errno := syscall.RawSyscall(syscall.SYS_FCNTL, 3, syscall.F_GETFD, 0)
	return errno == 0 && flags&syscall.FD_CLOEXEC == 0
}()

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-watchdog" {
		kernel, err := strconv.Atoi(os.Args[2])
		if err != nil || kernel <= 1 {
			fail(2, "usage: launcher -watchdog KERNEL_PID (started by the goperf kernel)")
		}
		watchdog(kernel)
		return
	}
	data, parent, argv, err := parseArgs(os.Args[1:])
	if err != nil {
		fail(2, "%v\nusage: launcher [-data BYTES] [-parent PID] -- PROGRAM [ARG...] (started by the goperf kernel)", err)
	}
	if err := prctl(prSetChildSubreaper, 1); err != nil {
		fail(126, "cannot become a child subreaper: %v", err)
	}
	if err := prctl(prSetPdeathsig, uintptr(syscall.SIGTERM)); err != nil {
		fail(126, "cannot ask for a signal on the kernel's death: %v", err)
	}
	if parent > 0 && os.Getppid() != parent {
		fail(126, "the kernel (pid %d) ended before the program could start", parent)
	}
	if data > 0 {
		limit := syscall.Rlimit{Cur: data, Max: data}
		if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &limit); err != nil {
			fail(126, "cannot set the memory limit (RLIMIT_DATA %d): %v", data, err)
		}
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT)

	files := []uintptr{0, 1, 2}
	if fd3 {
		files = append(files, 3)
	}
	program, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{Env: os.Environ(), Files: files})
	if err != nil {
		fail(127, "cannot run %s: %v", argv[0], err)
	}
	if fd3 {
		syscall.Close(3) // the kernel's channel ends with the program, not with the launcher
	}

	// Waits for the program, reaping the orphans re-parented here meanwhile.
	ended := make(chan syscall.WaitStatus, 1)
	go func() {
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, 0, nil)
			if err == syscall.EINTR {
				continue
			}
			if err != nil || pid == program {
				ended <- status
				return
			}
		}
	}()

	for {
		select {
		case status := <-ended:
			killDescendants()
			exitAs(status)
		case sig := <-signals:
			if sig == syscall.SIGQUIT {
				quit(program)
				continue
			}
			killDescendants()
			die(sig.(syscall.Signal))
		}
	}
}

func parseArgs(args []string) (data uint64, parent int, argv []string, err error) {
	for len(args) > 0 {
		arg := args[0]
		args = args[1:]
		if arg == "--" {
			if len(args) == 0 {
				return 0, 0, nil, fmt.Errorf("no program after --")
			}
			return data, parent, args, nil
		}
		name, value, ok := strings.Cut(arg, "=")
		if !ok {
			return 0, 0, nil, fmt.Errorf("unknown argument %q", arg)
		}
		switch name {
		case "-data":
			data, err = strconv.ParseUint(value, 10, 64)
		case "-parent":
			parent, err = strconv.Atoi(value)
		default:
			err = fmt.Errorf("unknown option %q", name)
		}
		if err != nil {
			return 0, 0, nil, err
		}
	}
	return 0, 0, nil, fmt.Errorf("no -- before the program")
}

func prctl(option, arg uintptr) error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, option, arg, 0); errno != 0 {
		return errno
	}
	return nil
}

// killDescendants SIGKILLs every live descendant and reaps them, round after round until the
// launcher has no child left: one killed while forking leaves a child, re-parented here, that the
// next round finds. A descendant's ancestors up to the launcher are alive (an orphan is
// re-parented here), so no child means no descendant: the usual case costs one wait4, no /proc
// walk. Bounded (a process in uninterruptible sleep dies when its I/O ends, not before).
func killDescendants() {
	self := os.Getpid()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		switch {
		case err == syscall.EINTR || pid > 0:
			continue // reaped one; look again
		case err != nil:
			return // ECHILD: none left
		}
		for _, pid := range descendants(self) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(time.Millisecond)
	}
}

// descendants lists the live (not zombie) processes below root: from each process's
// /proc/PID/task/TID/children (a few reads when, as usual, nothing is left), or, on a system
// without those files, by reading every /proc/PID/stat's parent link.
func descendants(root int) []int {
	found, ok := childrenOf(root)
	if !ok {
		return descendantsByScan(root)
	}
	for i := 0; i < len(found); i++ {
		more, _ := childrenOf(found[i])
		found = append(found, more...)
	}
	live := found[:0]
	for _, pid := range found {
		if state, _, ok := stat(pid); ok && state != "Z" {
			live = append(live, pid)
		}
	}
	return live
}

// childrenOf lists the children of every thread of pid; ok is false when the system has no
// children files (CONFIG_PROC_CHILDREN).
func childrenOf(pid int) (children []int, ok bool) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil, true // gone
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		if os.IsNotExist(err) {
			if _, gone := os.Stat(fmt.Sprintf("/proc/%d/task/%s", pid, task.Name())); gone == nil {
				return nil, false
			}
		}
		for _, field := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(field); err == nil {
				children = append(children, child)
			}
		}
	}
	return children, true
}

func descendantsByScan(root int) []int {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	names, _ := dir.Readdirnames(-1)
	dir.Close()
	children := map[int][]int{}
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		state, ppid, ok := stat(pid)
		if ok && state != "Z" {
			children[ppid] = append(children[ppid], pid)
		}
	}
	found := append([]int(nil), children[root]...)
	for i := 0; i < len(found); i++ {
		found = append(found, children[found[i]]...)
	}
	return found
}

// stat reads a process's (or a thread's, under /proc/PID/task) state and parent from its stat file.
func stat(pid int) (state string, ppid int, ok bool) {
	return statAt(fmt.Sprintf("/proc/%d/stat", pid))
}

func statAt(path string) (state string, ppid int, ok bool) {
	f := statFields(path)
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return f[0], ppid, err == nil
}

// statFields reads a stat file's fields after the command name, field 3 (state) first: the name
// may hold spaces and parentheses, so they are read after the last ")". Nil when unreadable.
func statFields(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	s := string(b)
	close := strings.LastIndexByte(s, ')')
	if close < 0 || close+2 > len(s) {
		return nil
	}
	return strings.Fields(s[close+2:])
}

// quit sends SIGQUIT to a thread of the program that is on a CPU (a Go program's dump then shows
// the busy goroutine's stack, not "running on other thread"), else to the program.
func quit(program int) {
	if tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", program)); err == nil {
		for _, task := range tasks {
			tid, err := strconv.Atoi(task.Name())
			if err != nil {
				continue
			}
			if state, _, ok := statAt(fmt.Sprintf("/proc/%d/task/%d/stat", program, tid)); ok && state == "R" {
				if syscall.Tgkill(program, tid, syscall.SIGQUIT) == nil {
					return
				}
			}
		}
	}
	syscall.Kill(program, syscall.SIGQUIT)
}

// exitAs ends the launcher as the program ended: its exit code, or death by its signal.
func exitAs(status syscall.WaitStatus) {
	if status.Signaled() {
		die(status.Signal())
	}
	os.Exit(status.ExitStatus())
}

// die ends the launcher by signal sig, as the program (or the kernel's stop) did, so that the
// kernel sees what it would have seen without the launcher. The Go runtime's own handler would
// print a goroutine dump for some signals: the default action is set first, with the system call
// that Go does not export.
func die(sig syscall.Signal) {
	signal.Reset(sig)
	var action [4]uintptr // struct sigaction: handler SIG_DFL (0), no flags, no restorer, empty mask
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&action)), 0, 8, 0, 0)
	syscall.Kill(os.Getpid(), sig)
	time.Sleep(100 * time.Millisecond) // a signal whose default is to be ignored: exit as a shell would
	os.Exit(128 + int(sig))
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goperf launcher: "+format+"\n", args...)
	os.Exit(code)
}
