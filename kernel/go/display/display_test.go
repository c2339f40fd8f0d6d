package display

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// capture points the package at pipes of its own and returns what went through them.
type captured struct {
	frames, stdout, stderr bytes.Buffer
	wg                     sync.WaitGroup
	files                  []*os.File
	sink                   *sink
}

func capture(t testing.TB) *captured {
	c := &captured{}
	var w [3]*os.File
	for i, buf := range []*bytes.Buffer{&c.frames, &c.stdout, &c.stderr} {
		r, wr, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w[i] = wr
		c.files = append(c.files, wr)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			io.Copy(buf, r)
			r.Close()
		}()
	}
	c.sink = &sink{frames: w[0], stdout: w[1], stderr: w[2], token: "T0K", maxDisplays: math.MaxUint64 - 1}
	old := channel
	channel = c.sink
	t.Cleanup(func() { channel = old })
	return c
}

type message struct {
	Kind      byte
	Data      map[string]any `json:"data"`
	DisplayID string         `json:"display_id"`
	Notes     []string       `json:"notes"`
}

// done closes the pipes and decodes the frames.
func (c *captured) done(t testing.TB) []message {
	for _, f := range c.files {
		f.Close()
	}
	c.wg.Wait()
	var out []message
	b := c.frames.Bytes()
	for len(b) > 0 {
		if len(b) < 8 || string(b[:3]) != "GPD" {
			t.Fatalf("not a frame: %q", b[:min(len(b), 16)])
		}
		n := binary.BigEndian.Uint32(b[4:8])
		var m message
		if err := json.Unmarshal(b[8:8+n], &m); err != nil {
			t.Fatalf("frame payload %q: %v", b[8:8+n], err)
		}
		m.Kind = b[3]
		out = append(out, m)
		b = b[8+n:]
	}
	return out
}

func TestHTMLSendsOneFrameAfterItsMarkers(t *testing.T) {
	c := capture(t)
	HTML(`<b>bold</b> & "quoted"` + "\n\t\x01")
	Text("two")
	msgs := c.done(t)
	if len(msgs) != 2 || msgs[0].Kind != 'd' || msgs[1].Kind != 'd' {
		t.Fatalf("frames: %+v", msgs)
	}
	if got := msgs[0].Data["text/html"]; got != `<b>bold</b> & "quoted"`+"\n\t\x01" {
		t.Errorf("text/html = %q", got)
	}
	if got := msgs[0].Data["text/plain"]; got != `bold & "quoted" `+"\x01" {
		t.Errorf("text/plain = %q", got)
	}
	if got := msgs[1].Data["text/plain"]; got != "two" {
		t.Errorf("Text: %q", got)
	}
	want := "\x1bGPDT0K:1;\x1bGPDT0K:2;"
	if c.stdout.String() != want || c.stderr.String() != want {
		t.Errorf("markers: stdout %q stderr %q, want %q", c.stdout.String(), c.stderr.String(), want)
	}
}

func TestInvalidUTF8IsReplacedWithANote(t *testing.T) {
	c := capture(t)
	Markdown("ok \xff\xfe end")
	msgs := c.done(t)
	if got := msgs[0].Data["text/markdown"]; got != "ok \uFFFD end" {
		t.Errorf("text = %q", got)
	}
	if len(msgs[0].Notes) != 1 || !strings.Contains(msgs[0].Notes[0], "display.Markdown: the text is not valid UTF-8 (first bad byte at offset 3)") {
		t.Errorf("notes = %q", msgs[0].Notes)
	}
}

func TestImagesAndJSONAndBundle(t *testing.T) {
	c := capture(t)
	PNG([]byte{0x89, 'P', 'N', 'G'})
	JSON(map[string]int{"a": 1})
	Bundle(map[string]any{"text/html": "<i>x</i>", "application/vnd.example+json": map[string]any{"k": []int{1, 2}}, "image/png": []byte("ab")})
	msgs := c.done(t)
	if msgs[0].Data["image/png"] != "iVBORw==" || msgs[0].Data["text/plain"] != "[PNG image, 4 bytes]" {
		t.Errorf("PNG: %v", msgs[0].Data)
	}
	if j, _ := json.Marshal(msgs[1].Data["application/json"]); string(j) != `{"a":1}` {
		t.Errorf("JSON: %s", j)
	}
	d := msgs[2].Data
	if j, _ := json.Marshal(d["application/vnd.example+json"]); string(j) != `{"k":[1,2]}` || d["image/png"] != "YWI=" || d["text/plain"] != "x" {
		t.Errorf("Bundle: %v", d)
	}
}

func TestPastTheKernelsCapOnlyOneMoreDisplayIsSent(t *testing.T) {
	c := capture(t)
	c.sink.maxDisplays = 2
	for i := 0; i < 10; i++ {
		Text("x")
	}
	o := New("u")
	o.Text("first is a display: dropped too")
	o.Text("updates are not capped here")
	if n := len(c.done(t)); n != 4 {
		t.Errorf("%d frames sent, want 3 displays and 1 update", n)
	}
}

func TestOutputShowsThenUpdates(t *testing.T) {
	c := capture(t)
	o := New("bar")
	o.HTML("1")
	o.HTML("2")
	o.Update(map[string]any{"text/plain": "3"})
	msgs := c.done(t)
	kinds := ""
	for _, m := range msgs {
		kinds += string(m.Kind)
		if m.DisplayID != "bar" {
			t.Errorf("display_id = %q", m.DisplayID)
		}
	}
	if kinds != "duu" || msgs[2].Data["text/plain"] != "3" {
		t.Errorf("kinds %q, last %v", kinds, msgs[2].Data)
	}
	if New("").ID() == New("").ID() {
		t.Error("two made-up ids are equal")
	}
}

func TestConcurrentCallsKeepMarkersFramesAndTheFirstDisplayInOrder(t *testing.T) {
	c := capture(t)
	o := New("shared")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				o.Text("x")
				Text("y")
			}
		}()
	}
	wg.Wait()
	msgs := c.done(t)
	if len(msgs) != 800 {
		t.Fatalf("%d frames, want 800", len(msgs))
	}
	kinds := map[byte]int{}
	for i, m := range msgs {
		kinds[m.Kind]++
		if m.DisplayID == "shared" && m.Kind == 'd' && i > 0 {
			for _, before := range msgs[:i] {
				if before.DisplayID == "shared" {
					t.Fatalf("an update of the output came before its display (frame %d)", i)
				}
			}
		}
	}
	if kinds['d'] != 401 || kinds['u'] != 399 {
		t.Errorf("kinds %v, want 401 displays and 399 updates", kinds)
	}
	var want strings.Builder
	for i := 1; i <= 800; i++ {
		want.WriteString("\x1bGPDT0K:" + strconv.Itoa(i) + ";")
	}
	if c.stdout.String() != want.String() || c.stderr.String() != want.String() {
		t.Error("markers are not 1..800 in order on both streams")
	}
}

func TestProgressIsRateLimited(t *testing.T) {
	c := capture(t)
	start := time.Now()
	p := Progress(100000)
	for i := 0; i < 100000; i++ {
		p.Add(1)
	}
	took := time.Since(start)
	msgs := c.done(t)
	// The first draw, at most one per ProgressEvery, and the last (100%).
	if limit := 2 + int(took/ProgressEvery) + 1; len(msgs) > limit {
		t.Errorf("%d redraws in %v, want at most %d", len(msgs), took, limit)
	}
	last := msgs[len(msgs)-1]
	if last.Kind != 'u' || !strings.Contains(last.Data["text/plain"].(string), "100% 100000/100000") {
		t.Errorf("last redraw: %c %v", last.Kind, last.Data["text/plain"])
	}
	if msgs[0].Kind != 'd' {
		t.Errorf("first redraw is %c", msgs[0].Kind)
	}
}

func TestABrokenChannelSaysSoOnceAndStops(t *testing.T) {
	c := capture(t)
	c.sink.frames.Close() // as a program that closes fd 3
	HTML("lost")
	HTML("also lost")
	c.done(t)
	if got := c.stdout.String(); !strings.HasPrefix(got, "\x1bGPDT0K:1;\x1bGPDT0K:!") || strings.Count(got, "\x1b") != 2 {
		t.Errorf("stdout = %q", got)
	}
}

func TestWithoutAChannelNothingIsSent(t *testing.T) {
	old := channel
	channel = nil
	defer func() { channel = old }()
	HTML("x") // must not panic
	if openChannel() != nil && os.Getenv(EnvVar) == "" {
		t.Error("a channel without the kernel's token")
	}
}

func TestTableOfStructsAndMaps(t *testing.T) {
	type row struct {
		Name   string
		NsOp   float64 `display:"ns/op"`
		Allocs int
		hidden int
		Skip   string `display:"-"`
	}
	c := capture(t)
	Table([]row{{"map", 12.5, 1, 0, ""}, {"slice-of-pairs", 3.0000001, 0, 0, ""}})
	Table([]map[string]any{{"b": 2, "a": "x"}, {"a": "yy"}})
	Table(42)
	msgs := c.done(t)
	wantText := "Name            ns/op  Allocs\n" +
		"--------------  -----  ------\n" +
		"map             12.50       1\n" +
		"slice-of-pairs  3.000       0"
	if got := msgs[0].Data["text/plain"]; got != wantText {
		t.Errorf("text table:\n%s\nwant:\n%s", got, wantText)
	}
	if h := msgs[0].Data["text/html"].(string); !strings.Contains(h, `text-align:right">12.50</td>`) || strings.Contains(h, "hidden") || strings.Contains(h, "Skip") {
		t.Errorf("html table: %s", h)
	}
	if got := msgs[1].Data["text/plain"]; got != "a   b\n--  -\nx   2\nyy" {
		t.Errorf("map table: %q", got)
	}
	if got := msgs[2].Data["text/plain"]; got != "display.Table: want a slice of structs or maps, got int" {
		t.Errorf("bad rows: %q", got)
	}
}

var html1KB = strings.Repeat(`<td style="padding:2px">12.5</td>`, 32)[:1024]

// BenchmarkHTML1KB: display.HTML of a 1 KB string through real pipes (read by goroutines, as the
// kernel reads them). The target: under 50 µs per call.
func BenchmarkHTML1KB(b *testing.B) {
	c := capture(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		HTML(html1KB)
	}
	b.StopTimer()
	if n := len(c.done(b)); n != b.N {
		b.Fatalf("%d frames for %d calls", n, b.N)
	}
}
