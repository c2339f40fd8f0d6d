package display

// The side channel to the kernel. Every message is one frame on file descriptor 3:
//
//	"GPD" kind(1 byte: 'd' display_data, 'u' update_display_data, 'r' execute_result)
//	length(4 bytes, big endian) JSON(length bytes)
//
// Before each display or update frame, a marker carrying the message's sequence number is written
// to stdout and to stderr: the kernel reads the three pipes separately, and shows the display when
// both streams have reached its marker, so it lands between the prints it was made between (a
// print on one pipe and a frame on another have no order of their own). The marker holds a token
// the kernel chose for this run, so a program's own output never looks like one.
//
// The kernel turns the channel on by setting GOPERF_DISPLAY to the token (fd 3 is then a pipe or,
// from Node, a socket pair); without it (a test
// binary, a program run from a shell) messages are encoded and dropped, so a benchmark measures
// what a display costs without sending anything.

import (
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// EnvVar names the variable through which the kernel hands the program its marker token.
const EnvVar = "GOPERF_DISPLAY"

const (
	kindDisplay = 'd'
	kindUpdate  = 'u'
	kindResult  = 'r'
)

// A sink takes a whole frame and its markers; the kernel's pipes, or a test's buffers.
type sink struct {
	mu     sync.Mutex
	frames *os.File
	stdout *os.File
	stderr *os.File
	token  string
	seq    uint64
	broken bool
	// The kernel's cap on displays (display_data) per cell: past it the kernel drops them, so
	// only the first one past it is sent (the kernel notes the cap) and the rest cost no write.
	maxDisplays, displays uint64
}

var channel = openChannel()

// openChannel reads the kernel's GOPERF_DISPLAY: "TOKEN/MAXDISPLAYS".
func openChannel() *sink {
	token, maxText, _ := strings.Cut(os.Getenv(EnvVar), "/")
	if token == "" {
		return nil
	}
	maxDisplays, err := strconv.ParseUint(maxText, 10, 64)
	if err != nil {
		maxDisplays = math.MaxUint64 - 1
	}
	// A program this one starts must not think it has a channel: its fd 3 is something else.
	os.Unsetenv(EnvVar)
	var st syscall.Stat_t
	if syscall.Fstat(3, &st) != nil || (st.Mode&syscall.S_IFMT != syscall.S_IFIFO && st.Mode&syscall.S_IFMT != syscall.S_IFSOCK) {
		return nil
	}
	syscall.CloseOnExec(3)
	return &sink{
		frames: os.NewFile(3, "goperf-display"),
		stdout: os.NewFile(1, "goperf-stdout"),
		stderr: os.NewFile(2, "goperf-stderr"),
		token:  token,

		maxDisplays: maxDisplays,
	}
}

// headerSize: a frame's payload is built after this many bytes left free for its header, so the
// frame goes out in one write without a copy.
const headerSize = 8

// frame fills in the header of a buffer whose payload follows headerSize free bytes.
func frame(kind byte, f []byte) []byte {
	n := len(f) - headerSize
	f[0], f[1], f[2], f[3] = 'G', 'P', 'D', kind
	f[4], f[5], f[6], f[7] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return f
}

// send writes a display or update frame with its markers, in sequence order. f: headerSize
// free bytes, then the payload.
func (s *sink) send(kind byte, f []byte) {
	if s == nil {
		return
	}
	frame(kind, f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken {
		return
	}
	if kind == kindDisplay {
		if s.displays > s.maxDisplays {
			return
		}
		s.displays++
	}
	s.seq++
	var buf [80]byte
	mark := s.marker(buf[:0], strconv.AppendUint(nil, s.seq, 10))
	s.stdout.Write(mark)
	s.stderr.Write(mark)
	if _, err := s.frames.Write(f); err != nil {
		// The kernel is told why on stdout (the channel itself is what failed), and later
		// displays are dropped without markers.
		s.broken = true
		s.stdout.Write(s.marker(nil, []byte("!"+sanitize(err.Error()))))
	}
}

// marker appends ESC "GPD" token ":" what ";" to b — what is a sequence number, or "!" and a reason.
func (s *sink) marker(b []byte, what []byte) []byte {
	b = append(b, 0x1b)
	b = append(b, "GPD"...)
	b = append(b, s.token...)
	b = append(b, ':')
	b = append(b, what...)
	return append(b, ';')
}

func sanitize(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == ';' || c < 0x20 || c >= 0x7f {
			out[i] = ' '
		}
	}
	return string(out)
}
