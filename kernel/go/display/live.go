package display

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// An Output is one output of the cell that can be redrawn: its first content is a display_data
// with a display_id, every later one an update_display_data that replaces it in place.
type Output struct {
	id string
	// mu keeps the first content (display_data) ahead of any update sent from another goroutine.
	mu    sync.Mutex
	shown bool
}

var anonymous atomic.Uint64

// New returns an output with this display id (empty: one is made up). Nothing is shown until
// the first content is given. Front ends redraw every output with the same id, in any cell.
func New(id string) *Output {
	if id == "" {
		id = "goperf-" + strconv.FormatUint(anonymous.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return &Output{id: id}
}

// ID is the display id.
func (o *Output) ID() string { return o.id }

func (o *Output) send(m encoded) {
	o.mu.Lock()
	defer o.mu.Unlock()
	kind := byte(kindUpdate)
	if !o.shown {
		o.shown = true
		kind = kindDisplay
	}
	send(kind, o.id, m)
}

// HTML shows (first call) or replaces (later calls) the output's content with HTML.
func (o *Output) HTML(s string) { o.send(textBundle("Output.HTML", "text/html", s)) }

// Markdown shows or replaces the output's content with Markdown.
func (o *Output) Markdown(s string) { o.send(textBundle("Output.Markdown", "text/markdown", s)) }

// SVG shows or replaces the output's content with an SVG image.
func (o *Output) SVG(s string) { o.send(textBundle("Output.SVG", "image/svg+xml", s)) }

// Text shows or replaces the output's content with plain text.
func (o *Output) Text(s string) { o.send(textBundle("Output.Text", "text/plain", s)) }

// Update shows or replaces the output's content with a MIME bundle (as Bundle takes it).
func (o *Output) Update(b map[string]any) { o.send(bundle(b)) }

// ProgressBar is a live progress bar; see Progress.
type ProgressBar struct {
	out   *Output
	total int64
	done  atomic.Int64
	start time.Time

	mu       sync.Mutex
	lastSent time.Time
	sentDone bool
}

// ProgressEvery is the least time between two redraws of a progress bar: a step costs an atomic
// add and a clock read, and a redraw is sent at most this often (and once when it completes).
const ProgressEvery = 100 * time.Millisecond

// Progress shows a progress bar towards total steps; call Add or Set as work is done. It is safe
// for concurrent use.
func Progress(total int) *ProgressBar {
	p := &ProgressBar{out: New(""), total: int64(total), start: time.Now()}
	p.redraw(0, p.start)
	return p
}

// Add records n more steps done.
func (p *ProgressBar) Add(n int) { p.step(p.done.Add(int64(n))) }

// Set records that n steps are done.
func (p *ProgressBar) Set(n int) {
	p.done.Store(int64(n))
	p.step(int64(n))
}

// Done draws the bar as it stands now, whatever the rate limit.
func (p *ProgressBar) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redraw(p.done.Load(), time.Now())
}

func (p *ProgressBar) step(done int64) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	finished := done >= p.total && !p.sentDone
	if !finished && now.Sub(p.lastSent) < ProgressEvery {
		return
	}
	if finished {
		p.sentDone = true
	}
	p.redraw(done, now)
}

func (p *ProgressBar) redraw(done int64, now time.Time) {
	p.lastSent = now
	p.out.send(progressBundle(done, p.total, now.Sub(p.start)))
}

func progressBundle(done, total int64, elapsed time.Duration) encoded {
	frac := 1.0
	if total > 0 {
		frac = min(1, max(0, float64(done)/float64(total)))
	}
	pct := fmt.Sprintf("%.0f%%", frac*100)
	took := elapsed.Round(time.Millisecond).String()
	const cells = 30
	full := int(frac * cells)
	plain := "[" + strings.Repeat("#", full) + strings.Repeat(" ", cells-full) + "] " + pct + " " +
		strconv.FormatInt(done, 10) + "/" + strconv.FormatInt(total, 10) + " in " + took
	h := `<div style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12px;display:flex;align-items:center;gap:8px">` +
		`<div style="width:240px;height:10px;border-radius:5px;background:rgba(128,128,128,0.25);overflow:hidden">` +
		`<div style="width:` + strconv.FormatFloat(frac*100, 'f', 1, 64) + `%;height:100%;background:#2f7fd0"></div></div>` +
		`<span>` + escapeHTML(pct+" · "+strconv.FormatInt(done, 10)+"/"+strconv.FormatInt(total, 10)+" · "+took) + `</span></div>`
	b := []byte(`{"text/html":`)
	b = appendString(b, h)
	b = append(b, `,"text/plain":`...)
	b = appendString(b, plain)
	return encoded{data: append(b, '}')}
}
