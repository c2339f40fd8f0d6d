package chart

import (
	"encoding/xml"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

// wellFormed parses the SVG as XML and returns the text of every <text> element.
func wellFormed(t *testing.T, svg string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inText = x.Name.Local == "text"
			if x.Name.Local == "script" || x.Name.Local == "image" {
				t.Fatalf("not self-contained: <%s>", x.Name.Local)
			}
		case xml.CharData:
			if inText {
				texts = append(texts, string(x))
			}
		case xml.EndElement:
			inText = false
		}
	}
	return texts
}

func TestLineHasAxesTicksAndLegend(t *testing.T) {
	svg := Line(Options{Title: "ns/op <by> size", XLabel: "n", YLabel: "ns/op"},
		Series{Name: "map", X: []float64{1, 2, 3, 4}, Y: []float64{10, 20, 35, 40}},
		Series{Name: "slice", X: []float64{1, 2, 3, 4}, Y: []float64{5, 6, 7, math.NaN()}})
	texts := wellFormed(t, svg)
	for _, want := range []string{"ns/op <by> size", "map", "slice", "n", "ns/op", "0", "10", "20", "30", "40"} {
		found := false
		for _, x := range texts {
			found = found || x == want
		}
		if !found {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	if strings.Count(svg, "<polyline") != 2 || strings.Count(svg, "<circle") != 7 {
		t.Errorf("%d lines, %d points (NaN left out)", strings.Count(svg, "<polyline"), strings.Count(svg, "<circle"))
	}
}

func TestLogAxesTickAtPowersOfTen(t *testing.T) {
	a := newAxis([]float64{3, 2000, -1, 0}, true, false)
	if !reflect.DeepEqual(a.ticks, []float64{1, 10, 100, 1000, 10000}) {
		t.Errorf("ticks %v", a.ticks)
	}
	svg := Scatter(Options{LogX: true, LogY: true}, Series{X: []float64{1, 10, 1e6}, Y: []float64{1e-9, 1e-6, 0}})
	wellFormed(t, svg)
	if strings.Count(svg, "<circle") != 2 {
		t.Errorf("a point at 0 on a log axis must be left out: %d points", strings.Count(svg, "<circle"))
	}
}

func TestLinearTicksAreNice(t *testing.T) {
	for _, c := range []struct {
		values []float64
		want   []float64
	}{
		{[]float64{0.1, 0.3}, []float64{0, 0.1, 0.2, 0.3}},
		{[]float64{0, 97}, []float64{0, 25, 50, 75, 100}},
		{[]float64{5, 5}, []float64{0, 2, 4, 6}},
	} {
		if got := newAxis(c.values, false, true).ticks; !reflect.DeepEqual(got, c.want) {
			t.Errorf("ticks of %v: %v, want %v", c.values, got, c.want)
		}
	}
}

func TestLabelsFit(t *testing.T) {
	long := strings.Repeat("BenchmarkVeryLongName", 5)
	svg := Bar(Options{Width: 300, Title: long}, []string{long, "b"}, Series{Name: "x", Y: []float64{1, 2}})
	for _, x := range wellFormed(t, svg) {
		if len([]rune(x))*6 > 300 {
			t.Errorf("label %q does not fit a 300 px chart", x)
		}
	}
	// X labels on a dense axis are thinned, never overlapping.
	xs := make([]float64, 200)
	for i := range xs {
		xs[i] = float64(i) * 12345
	}
	svg = Line(Options{Width: 200}, Series{X: xs, Y: xs})
	if n := strings.Count(svg, `text-anchor="middle"`); n > 6 {
		t.Errorf("%d x labels on a 200 px axis", n)
	}
}

func TestFormat(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1500: "1500", 25000: "25k", 2e6: "2M", 3.5e9: "3.5G", 0.25: "0.25", 1e-6: "1e-06"} {
		if got := Format(v); got != want {
			t.Errorf("Format(%v) = %q, want %q", v, got, want)
		}
	}
}
