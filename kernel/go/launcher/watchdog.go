// The kernel's watchdog (launcher -watchdog KERNEL_PID): a small detached process that outlives a
// kernel killed with SIGKILL (or crashed) just long enough to kill the process groups the kernel
// had running and to remove its scratch dir. Without it a `for {}` cell would keep a core busy
// until the next kernel start. It lives in the launcher's binary because a Go program starts in a
// millisecond: a Node watchdog's start cost the session's first build a core for 100 ms.
//
// The kernel holds the write end of the watchdog's stdin and tells it, one line each:
//
//	+PGID START BOOT   a child's process group started (its leader's record: kernel/go/processes.ts)
//	-PGID              it ended
//	dir D              the session's scratch dir
//
// When the kernel dies, for whatever reason, the kernel's end of the pipe closes: the watchdog
// reads end-of-file at once (no polling), kills the groups still listed whose leader is still the
// process recorded (a pid may be anyone's by then), removes the dir, exits.
package main

import (
	"bufio"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// scratchPrefix is the name every session's scratch dir starts with (kernel/go/workspace.ts).
const scratchPrefix = "goperf-session-"

// record is a process as the kernel recorded it: its pid, start time (clock ticks after boot,
// /proc/PID/stat field 22) and the boot it started in.
type record struct {
	pid   int
	start string
	boot  string
}

var recordLine = regexp.MustCompile(`^(\d+) (\d+) ([0-9a-f-]{8,64})\s*$`)

// parseRecord reads "PID START BOOTID"; a bare pid proves nothing and is refused.
func parseRecord(text string) (record, bool) {
	m := recordLine.FindStringSubmatch(text)
	if m == nil {
		return record{}, false
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil || pid <= 1 {
		return record{}, false
	}
	return record{pid: pid, start: m[2], boot: m[3]}, true
}

func watchdog(kernelPid int) {
	// Interrupts and hang-ups aimed at the kernel are not for the watchdog.
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGPIPE)
	groups := map[int]record{}
	dir := ""
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 4096), 1<<20)
	for in.Scan() {
		line := in.Text()
		switch {
		case strings.HasPrefix(line, "dir "):
			dir = line[4:]
		case strings.HasPrefix(line, "+"):
			if leader, ok := parseRecord(line[1:]); ok {
				groups[leader.pid] = leader
			}
		case strings.HasPrefix(line, "-"):
			if pgid, err := strconv.Atoi(line[1:]); err == nil {
				delete(groups, pgid)
			}
		}
	}
	// End of file (or a read error): the kernel is gone.
	if dir != "" {
		if marked, ok := parseRecord(readTrimmed(filepath.Join(dir, "running.pgid"))); ok {
			groups[marked.pid] = marked
		}
	}
	self := os.Getpid()
	for _, leader := range groups {
		if leader.pid == self || !ours(leader) {
			continue
		}
		// What left the group (setsid) is still below its leader.
		for _, pid := range descendants(leader.pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		syscall.Kill(-leader.pid, syscall.SIGKILL)
	}
	// Only a scratch dir of this kernel's: the name has the prefix and its kernel.pid is the kernel's.
	if dir != "" && strings.HasPrefix(filepath.Base(dir), scratchPrefix) {
		if kernel, ok := parseRecord(readTrimmed(filepath.Join(dir, "kernel.pid"))); ok && kernel.pid == kernelPid {
			os.RemoveAll(dir)
		}
	}
}

// ours: the recorded process runs now, in this boot, with the start time recorded, as our user.
func ours(r record) bool {
	// Field 22 (starttime) is the 20th after the name.
	f := statFields("/proc/" + strconv.Itoa(r.pid) + "/stat")
	if len(f) < 20 || f[19] != r.start || r.boot == "" || readTrimmed("/proc/sys/kernel/random/boot_id") != r.boot {
		return false
	}
	return realUid(r.pid) == strconv.Itoa(os.Getuid())
}

// realUid is the process's real uid, from /proc/PID/status; "" when it is gone.
func realUid(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
