// Package chart draws line, scatter and bar charts of float series as self-contained SVG (no
// scripts, no external resources), in the look of goperf's own benchmark charts: text and axes in
// the front end's text colour (currentColor), so they read in light and dark themes alike.
//
//	display.SVG(chart.Line(chart.Options{Title: "ns/op by size", LogX: true},
//		chart.Series{Name: "map", X: sizes, Y: nsPerOp}))
//
// Hand-written on purpose: a plotting package (gonum/plot and the like) pulls in fonts and image
// libraries, and a cell must build without network access.
package chart

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Series is one named series: Y[i] at X[i]. For Bar, X is unused: Y[i] belongs to label i.
type Series struct {
	Name string
	X, Y []float64
}

// Options shape a chart; the zero value is a 640×360 chart on linear axes.
type Options struct {
	Title          string
	XLabel, YLabel string
	// LogX, LogY: logarithmic axes (base 10). Points ≤ 0 cannot be drawn on them and are left out.
	LogX, LogY    bool
	Width, Height int
}

// Palette: the accent of goperf's charts first, then colours that stay apart on white and dark.
var Palette = []string{"#2f7fd0", "#d9480f", "#2b8a3e", "#cf3a7a", "#7048e8", "#b08900", "#0c8599", "#868e96"}

const font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"

// Line draws each series as a line through its points (in the order given) with a dot per point.
func Line(o Options, series ...Series) string { return xy(o, series, true) }

// Scatter draws each series as dots.
func Scatter(o Options, series ...Series) string { return xy(o, series, false) }

type frame struct {
	o                   Options
	w, h                float64
	left, right, top, b float64
	sb                  strings.Builder
}

func newFrame(o Options, yTicks []string, legend []string) *frame {
	f := &frame{o: o, w: float64(o.Width), h: float64(o.Height)}
	if f.w <= 0 {
		f.w = 640
	}
	if f.h <= 0 {
		f.h = 360
	}
	widest := 0
	for _, t := range yTicks {
		widest = max(widest, len(t))
	}
	f.left = 14 + 6.5*float64(widest)
	if o.YLabel != "" {
		f.left += 16
	}
	f.right = 16
	f.top = 12
	if o.Title != "" {
		f.top = 30
	}
	if len(legend) > 1 {
		f.top += 18
	}
	f.b = 28
	if o.XLabel != "" {
		f.b += 16
	}
	fmt.Fprintf(&f.sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" role="img" font-family="%s" style="display:block;max-width:100%%;height:auto;overflow:visible">`,
		f.w, f.h, f.w, f.h, font)
	if o.Title != "" {
		fmt.Fprintf(&f.sb, `<title>%s</title><text x="%g" y="18" font-size="13" font-weight="600" fill="currentColor">%s</text>`,
			esc(o.Title), f.left, esc(fit(o.Title, f.w-f.left, 7.5)))
	}
	x := f.left
	y := f.top - 10
	for i, name := range legend {
		if len(legend) < 2 {
			break
		}
		label := fit(name, 180, 6.5)
		fmt.Fprintf(&f.sb, `<rect x="%.1f" y="%.1f" width="10" height="10" rx="2" fill="%s"/><text x="%.1f" y="%.1f" font-size="11" fill="currentColor">%s</text>`,
			x, y-9, Palette[i%len(Palette)], x+14, y, esc(label))
		x += 14 + 6.5*float64(len([]rune(label))) + 16
	}
	return f
}

func (f *frame) plotW() float64 { return f.w - f.left - f.right }
func (f *frame) plotH() float64 { return f.h - f.top - f.b }

func (f *frame) axisLabels() {
	if f.o.XLabel != "" {
		fmt.Fprintf(&f.sb, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="currentColor" fill-opacity="0.85">%s</text>`,
			f.left+f.plotW()/2, f.h-6, esc(fit(f.o.XLabel, f.plotW(), 6.5)))
	}
	if f.o.YLabel != "" {
		fmt.Fprintf(&f.sb, `<text transform="translate(12 %.1f) rotate(-90)" text-anchor="middle" font-size="11" fill="currentColor" fill-opacity="0.85">%s</text>`,
			f.top+f.plotH()/2, esc(fit(f.o.YLabel, f.plotH(), 6.5)))
	}
}

func (f *frame) end() string {
	f.sb.WriteString("</svg>")
	return f.sb.String()
}

// An axis maps data to pixels, linearly or on log10.
type axis struct {
	lo, hi float64
	log    bool
	ticks  []float64
}

func newAxis(values []float64, log, fromZero bool) axis {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) || (log && v <= 0) {
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo > hi {
		lo, hi = 1, 10
		if !log {
			lo = 0
		}
	}
	if log {
		a := axis{log: true, lo: math.Pow(10, math.Floor(math.Log10(lo))), hi: math.Pow(10, math.Ceil(math.Log10(hi)))}
		if a.hi <= a.lo {
			a.hi = a.lo * 10
		}
		for t := a.lo; t <= a.hi*1.000001; t *= 10 {
			a.ticks = append(a.ticks, t)
		}
		return a
	}
	if fromZero {
		lo, hi = min(lo, 0), max(hi, 0)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	step := niceStep((hi - lo) / 4)
	a := axis{lo: math.Floor(lo/step+1e-9) * step, hi: math.Ceil(hi/step-1e-9) * step}
	for k := 0; ; k++ {
		t, _ := strconv.ParseFloat(strconv.FormatFloat(a.lo+float64(k)*step, 'g', 12, 64), 64)
		if t > a.hi+step*1e-9 {
			break
		}
		a.ticks = append(a.ticks, t)
	}
	return a
}

// niceStep: the smallest of 1, 2, 2.5, 5 × 10^k at least rough (as the bench charts' ticks).
func niceStep(rough float64) float64 {
	pow := math.Pow(10, math.Floor(math.Log10(rough)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*pow >= rough*(1-1e-12) {
			return m * pow
		}
	}
	return 10 * pow
}

// at maps v to [0, 1] along the axis.
func (a axis) at(v float64) float64 {
	if a.log {
		return (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	}
	return (v - a.lo) / (a.hi - a.lo)
}

func (a axis) ok(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!a.log || v > 0)
}

func (a axis) labels() []string {
	out := make([]string, len(a.ticks))
	for i, t := range a.ticks {
		out[i] = Format(t)
	}
	return out
}

// Format writes a tick value short: 1.5k, 2M, 0.25, 1e-06.
func Format(v float64) string {
	abs := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case abs >= 1e12 || abs < 1e-3:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case abs >= 1e9:
		return trim(v/1e9) + "G"
	case abs >= 1e6:
		return trim(v/1e6) + "M"
	case abs >= 1e4:
		return trim(v/1e3) + "k"
	}
	return trim(v)
}

func trim(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func xy(o Options, series []Series, lines bool) string {
	var xs, ys []float64
	names := make([]string, len(series))
	for i, s := range series {
		xs = append(xs, s.X[:min(len(s.X), len(s.Y))]...)
		ys = append(ys, s.Y[:min(len(s.X), len(s.Y))]...)
		names[i] = s.Name
	}
	ax := newAxis(xs, o.LogX, false)
	ay := newAxis(ys, o.LogY, !o.LogY)
	f := newFrame(o, ay.labels(), names)
	px := func(v float64) float64 { return f.left + ax.at(v)*f.plotW() }
	py := func(v float64) float64 { return f.top + (1-ay.at(v))*f.plotH() }
	f.grid(ax, ay, px, py)
	for i, s := range series {
		color := Palette[i%len(Palette)]
		var path []string
		n := min(len(s.X), len(s.Y))
		fmt.Fprintf(&f.sb, `<g><title>%s</title>`, esc(s.Name))
		for j := 0; j < n; j++ {
			if !ax.ok(s.X[j]) || !ay.ok(s.Y[j]) {
				continue
			}
			path = append(path, fmt.Sprintf("%.1f,%.1f", px(s.X[j]), py(s.Y[j])))
		}
		if lines && len(path) > 1 {
			fmt.Fprintf(&f.sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.8" stroke-linejoin="round"/>`, strings.Join(path, " "), color)
		}
		r := 2.5
		if !lines {
			r = 3
		}
		for _, p := range path {
			xy := strings.SplitN(p, ",", 2)
			fmt.Fprintf(&f.sb, `<circle cx="%s" cy="%s" r="%g" fill="%s" fill-opacity="0.85"/>`, xy[0], xy[1], r, color)
		}
		f.sb.WriteString("</g>")
	}
	f.axisLabels()
	return f.end()
}

func (f *frame) grid(ax, ay axis, px, py func(float64) float64) {
	for _, t := range ay.ticks {
		y := py(t)
		fmt.Fprintf(&f.sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.15"/>`, f.left, f.left+f.plotW(), y, y)
		fmt.Fprintf(&f.sb, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="10.5" fill="currentColor" fill-opacity="0.75">%s</text>`, f.left-6, y+3.5, Format(t))
	}
	labels := ax.labels()
	// Every k-th x label, so that labels never overlap.
	widest := 0
	for _, l := range labels {
		widest = max(widest, len(l))
	}
	every := 1
	if len(labels) > 1 {
		room := f.plotW() / float64(len(labels)-1)
		for float64(every)*room < 6.5*float64(widest)+8 {
			every++
		}
	}
	for i, t := range ax.ticks {
		x := px(t)
		fmt.Fprintf(&f.sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.15"/>`, x, x, f.top, f.top+f.plotH())
		if i%every == 0 {
			fmt.Fprintf(&f.sb, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10.5" fill="currentColor" fill-opacity="0.75">%s</text>`, x, f.top+f.plotH()+15, labels[i])
		}
	}
	fmt.Fprintf(&f.sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.5"/>`, f.left, f.left+f.plotW(), f.top+f.plotH(), f.top+f.plotH())
	fmt.Fprintf(&f.sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.5"/>`, f.left, f.left, f.top, f.top+f.plotH())
}

// Bar draws grouped vertical bars: for each label, one bar per series (series.Y[i] for labels[i]).
// With LogY, bars start at the axis' lowest power of ten.
func Bar(o Options, labels []string, series ...Series) string {
	var ys []float64
	names := make([]string, len(series))
	for i, s := range series {
		ys = append(ys, s.Y...)
		names[i] = s.Name
	}
	ay := newAxis(ys, o.LogY, !o.LogY)
	f := newFrame(o, ay.labels(), names)
	py := func(v float64) float64 { return f.top + (1-ay.at(v))*f.plotH() }
	for _, t := range ay.ticks {
		y := py(t)
		fmt.Fprintf(&f.sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.15"/>`, f.left, f.left+f.plotW(), y, y)
		fmt.Fprintf(&f.sb, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="10.5" fill="currentColor" fill-opacity="0.75">%s</text>`, f.left-6, y+3.5, Format(t))
	}
	group := f.plotW() / float64(max(1, len(labels)))
	bw := group * 0.8 / float64(max(1, len(series)))
	base := py(math.Max(ay.lo, 0))
	if ay.log {
		base = py(ay.lo)
	}
	maxChars := int((group - 4) / 6.5)
	for i, label := range labels {
		gx := f.left + float64(i)*group + group*0.1
		for j, s := range series {
			if i >= len(s.Y) || !ay.ok(s.Y[i]) {
				continue
			}
			y := py(s.Y[i])
			top, h := math.Min(y, base), math.Abs(base-y)
			fmt.Fprintf(&f.sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="2" fill="%s" fill-opacity="0.75"><title>%s</title></rect>`,
				gx+float64(j)*bw, top, math.Max(1, bw-1), math.Max(1, h), Palette[j%len(Palette)], esc(label+" · "+s.Name+": "+Format(s.Y[i])))
		}
		shown := label
		if r := []rune(label); len(r) > maxChars {
			shown = string(r[:max(1, maxChars-1)]) + "…"
		}
		fmt.Fprintf(&f.sb, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10.5" fill="currentColor" fill-opacity="0.85">%s</text>`,
			f.left+float64(i)*group+group/2, f.top+f.plotH()+15, esc(shown))
	}
	fmt.Fprintf(&f.sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.5"/>`, f.left, f.left+f.plotW(), base, base)
	f.axisLabels()
	return f.end()
}

// fit cuts text to the room (pixels, at about perChar pixels a character), ending it with "…".
func fit(text string, room, perChar float64) string {
	r := []rune(text)
	n := int(room / perChar)
	if len(r) <= n || n < 2 {
		return text
	}
	return string(r[:n-1]) + "…"
}

// esc is html.EscapeString without the html package (display.go says why).
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func esc(s string) string { return escaper.Replace(s) }
