package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// unitSummary is the part of a Unit most tests compare.
type unitSummary struct {
	Kind  string
	Names string
	Line  int
	Col   int
	Text  string
}

func summarize(units []Unit) []unitSummary {
	out := make([]unitSummary, len(units))
	for i, u := range units {
		out[i] = unitSummary{u.Kind, strings.Join(u.Names, ","), u.Line, u.Col, u.Text}
	}
	return out
}

func mustSplit(t *testing.T, src string) []Unit {
	t.Helper()
	units, err := Split(src)
	if err != nil {
		t.Fatalf("Split(%q): unexpected error %+v", src, *err)
	}
	return units
}

func TestSplitMixedCell(t *testing.T) {
	src := "package main\n" +
		"\n" +
		"import \"fmt\"\n" +
		"\n" +
		"// add adds.\n" +
		"//go:noinline\n" +
		"func add(a, b int) int { return a + b }\n" +
		"\n" +
		"var a = 1; fmt.Println(a) // trailing\n" +
		"\n" +
		"for i := 0; i < 3; i++ {\n" +
		"\tfmt.Println(i)\n" +
		"}\n" +
		"func (p *List[T]) Len() int { return 0 }\n" +
		"func() { fmt.Println(1) }()\n" +
		"type (\n\tA int\n\tB struct{}\n)\n" +
		"// tail\n"
	want := []unitSummary{
		{"import", "", 3, 1, "import \"fmt\""},
		{"func", "add", 5, 1, "// add adds.\n//go:noinline\nfunc add(a, b int) int { return a + b }"},
		{"var", "a", 9, 1, "var a = 1"},
		{"stmt", "", 9, 12, "fmt.Println(a) // trailing"},
		{"stmt", "", 11, 1, "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}"},
		{"method", "List.Len", 14, 1, "func (p *List[T]) Len() int { return 0 }"},
		{"stmt", "", 15, 1, "func() { fmt.Println(1) }()"},
		{"type", "A,B", 16, 1, "type (\n\tA int\n\tB struct{}\n)\n// tail"},
	}
	units := mustSplit(t, src)
	if got := summarize(units); !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", got, want)
	}
	if !reflect.DeepEqual(units[0].Imports, []ImportSpec{{Path: "fmt"}}) {
		t.Errorf("imports = %#v", units[0].Imports)
	}
	if !units[7].Group || units[2].Group {
		t.Errorf("group flags wrong: %v %v", units[7].Group, units[2].Group)
	}
}

func TestSplitNames(t *testing.T) {
	cases := []struct{ src, kind, names string }{
		{"func init() {}", "func", "init"},
		{"func Map[K comparable, V any](m map[K]V) {}", "func", "Map"},
		{"func (m Map[K, V]) Get(k K) V { var v V; return v }", "method", "Map.Get"},
		{"func (p *(T)) M() {}", "method", "T.M"},
		{"func (T) M() {}", "method", "T.M"},
		{"var _ = 1", "var", "_"},
		{"var a, b, _ int", "var", "a,b,_"},
		{"const (\n\tA = iota\n\tB\n)", "const", "A,B"},
		{"type List[T any] struct{ items []T }", "type", "List"},
		{"type F = func()", "type", "F"},
		{"func f()", "func", "f"}, // body-less declarations are valid syntax
	}
	for _, c := range cases {
		units := mustSplit(t, c.src)
		if len(units) != 1 || units[0].Kind != c.kind || strings.Join(units[0].Names, ",") != c.names {
			t.Errorf("%q: got %#v", c.src, summarize(units))
		}
	}
}

func TestSplitImports(t *testing.T) {
	units := mustSplit(t, "import (\n\t\"fmt\"\n\tm \"math\"\n\t_ \"embed\"\n\t. \"strings\"\n)")
	want := []ImportSpec{{"fmt", ""}, {"math", "m"}, {"embed", "_"}, {"strings", "."}}
	if len(units) != 1 || !reflect.DeepEqual(units[0].Imports, want) || !units[0].Group || len(units[0].Names) != 0 {
		t.Fatalf("got %#v", units)
	}
}

func TestSplitControlHeaders(t *testing.T) {
	// Explicit semicolons in if/for/switch headers must not split; a composite literal
	// in the header must not be taken for the block.
	cases := []string{
		"for i := 0; i < 3; i++ {\n}",
		"if a := f(); a > 0 {\n} else if b := g(); b {\n} else {\n}",
		"switch x := f(); x {\ncase 1:\n}",
		"switch t := v.(type) {\n}",
		"for _, x := range []int{1, 2} {\n\t_ = x\n}",
		"for _, s := range []struct{}{{}} { _ = s }",
		"if x := []int{1}; len(x) > 0 {\n}",
		"for k := range map[string]int{\"a\": 1} { _ = k }",
		"if f := func() bool { return true }; f() {\n}",
		"L:\n\tfor i := 0; i < 3; i++ { continue L }",
	}
	for _, src := range cases {
		units := mustSplit(t, src)
		if len(units) != 1 || units[0].Text != src || units[0].Kind != "stmt" {
			t.Errorf("%q: got %#v", src, summarize(units))
		}
	}
}

func TestSplitPositions(t *testing.T) {
	// Magic lines are blanked by the caller, so cells often start with empty lines.
	src := "\n\nvar a = 1; /* c */ b := 2 /* d */; c := 3\n\t\tx := 4"
	want := []unitSummary{
		{"var", "a", 3, 1, "var a = 1"},
		{"var", "b", 3, 12, "/* c */ b := 2 /* d */"},
		{"var", "c", 3, 36, "c := 3"},
		{"var", "x", 4, 3, "x := 4"},
	}
	if got := summarize(mustSplit(t, src)); !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", got, want)
	}
	// Columns count bytes, as Go reports them: "é" is two.
	if u := mustSplit(t, `s := "é"; t := 1`); u[1].Col != 12 {
		t.Errorf("byte column: got %d, want 12", u[1].Col)
	}
}

func TestSplitShortVarDecl(t *testing.T) {
	// A top-level `:=` of plain names is a session variable; the text stays the cell's and
	// Define points at its `:=`.
	units := mustSplit(t, "a, err := f() // why\nx := []int{1}\nm[k] := 1\ny, z = 1, 2\nfor i := 0; i < 1; i++ {\n}")
	want := []struct {
		kind, names string
		define      int
	}{{"var", "a,err", 7}, {"var", "x", 2}, {"stmt", "", -1}, {"stmt", "", -1}, {"stmt", "", -1}}
	if len(units) != len(want) {
		t.Fatalf("got %#v", summarize(units))
	}
	for i, w := range want {
		u := units[i]
		at := -1
		if u.Define != nil {
			at = *u.Define
			if u.Text[at:at+2] != ":=" {
				t.Errorf("unit %d: define %d does not point at := in %q", i, at, u.Text)
			}
		}
		if u.Kind != w.kind || strings.Join(u.Names, ",") != w.names || at != w.define {
			t.Errorf("unit %d: got %s %v define %d, want %+v", i, u.Kind, u.Names, at, w)
		}
	}
}

func TestSplitByteExact(t *testing.T) {
	// CRs, tabs, odd spacing and directives must survive: the kernel measures this text.
	src := "//go:noinline\r\n//go:nosplit\r\nfunc  f( )  {\r\n\t_ = `a\r\nb`  // c\r\n}\r\n\r\n/* block\r\n */\r\nx := 1\t\r\n"
	units := mustSplit(t, src)
	if len(units) != 2 {
		t.Fatalf("got %#v", summarize(units))
	}
	if want := "//go:noinline\r\n//go:nosplit\r\nfunc  f( )  {\r\n\t_ = `a\r\nb`  // c\r\n}"; units[0].Text != want {
		t.Errorf("func text %q", units[0].Text)
	}
	if want := "/* block\r\n */\r\nx := 1"; units[1].Text != want || units[1].Line != 8 {
		t.Errorf("stmt %#v", units[1])
	}
}

func TestSplitIgnoresPackageClause(t *testing.T) {
	for _, src := range []string{"package main\n", "// Package doc.\npackage main // trailing\n", ""} {
		if units := mustSplit(t, src); len(units) != 0 {
			t.Errorf("%q: got %#v", src, summarize(units))
		}
	}
	units := mustSplit(t, "package main\n\n// doc\nfunc main() {}\n")
	if len(units) != 1 || units[0].Text != "// doc\nfunc main() {}" || units[0].Line != 3 {
		t.Errorf("got %#v", summarize(units))
	}
}

func TestSplitErrors(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"x := 1\ny := )\n", 2, 6, "expected operand, found ')'"},
		{"\n\nfunc f() {\n\tx := \n}\n", 5, 1, "expected operand, found '}'"},
		{"}", 1, 1, "expected statement, found '}'"},
		{")", 1, 1, "expected statement, found ')'"},
		{"x := 1 }\n", 1, 8, "expected statement, found '}'"},
		{"var x = )", 1, 9, "expected operand, found ')'"},
		{"func f() {", 1, 11, "expected '}', found 'EOF'"},
		{"x := ", 1, 5, "expected operand, found 'EOF'"},
		{"func(x int) int { return x +}(3)", 1, 29, "expected operand, found '}'"},
		{"func (r R) M( { }", 1, 15, "expected ')', found '{'"},
		{"package main foo", 1, 14, "expected ';', found foo"},
		{"#", 1, 1, "illegal character U+0023 '#'"},
		{"x := 1\n// c\n/* open", 3, 1, "comment not terminated"},
		{"//line other.go:100\nx := 1\ny := )\n", 3, 6, "expected operand, found ')'"},
		{"a := 1\nfunc f() { a b }\nc := (", 2, 14, "expected ';', found b"},
	}
	for _, c := range cases {
		units, err := Split(c.src)
		if err == nil {
			t.Errorf("%q: no error, units %#v", c.src, summarize(units))
			continue
		}
		if err.Line != c.line || err.Col != c.col || err.Msg != c.msg {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", c.src, err.Line, err.Col, err.Msg, c.line, c.col, c.msg)
		}
	}
}

func TestCompleteness(t *testing.T) {
	cases := map[string]string{
		"":                          "complete",
		"// only a comment":         "complete",
		"x := 1":                    "complete",
		"func f() {}":               "complete",
		"func f() {":                "incomplete",
		"x := ":                     "incomplete",
		"for {":                     "incomplete",
		"if x {\n\ty := 1\n":        "incomplete",
		"fmt.Println(\"a\",\n":      "incomplete",
		"x := 1 +\n// c\n":          "incomplete",
		"s := `raw\n":               "incomplete",
		"/* open":                   "incomplete",
		"type T struct {":           "incomplete",
		"x := []int{1, 2,\n":        "incomplete",
		"}":                         "invalid",
		")":                         "invalid",
		"x := 1 )":                  "invalid",
		"x := )\ny := 2":            "invalid",
		"s := \"open\n":             "invalid",
		"func f() {}}":              "invalid",
		"func f() {\n}\nfunc g() {": "incomplete",
	}
	for src, want := range cases {
		if got := Completeness(src); got != want {
			t.Errorf("Completeness(%q) = %s, want %s", src, got, want)
		}
	}
}

func TestUses(t *testing.T) {
	src := `package p

import "fmt"

type S struct{ x int }

func (s S) M() int { return s.x }

func (l *List[T]) F() { T.x() }

var cfg struct{ x int }

func f() {
	strings := []string{"a"}
	_ = strings[0]
	fmt.Println(os.Args, cfg.x)
	var v any
	switch t := v.(type) {
	case S:
		_ = t.x
	}
	bytes.NewReader(nil)
	func(sort int) { _ = sort.x }(1)
}

func g() {
	errors.New("x")
	errors := 1
	_ = errors.x
}
`
	got, err := Uses(src)
	if err != nil {
		t.Fatalf("error %+v", *err)
	}
	if want := []string{"bytes", "errors", "fmt", "os"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := Uses("package p\nfunc f() {"); err == nil || err.Line != 2 {
		t.Fatalf("want a syntax error on line 2, got %+v", err)
	}
}

func TestStdlib(t *testing.T) {
	pkgs, err := Stdlib(runtime.GOROOT())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"fmt": "fmt", "io": "io", "rand": "math/rand", "strings": "strings", "testing": "testing",
		"template": "text/template", "scanner": "text/scanner", "pprof": "runtime/pprof",
		"json": "encoding/json", "http": "net/http", "unsafe": "unsafe",
	}
	for name, path := range want {
		if pkgs[name] != path {
			t.Errorf("%s → %q, want %q", name, pkgs[name], path)
		}
	}
	for name, path := range pkgs {
		if strings.Contains(path, "internal") || strings.HasPrefix(path, "cmd/") || strings.Contains(path, "vendor") || name == "main" {
			t.Errorf("%s → %s should have been skipped", name, path)
		}
	}
	if _, err := Stdlib(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("missing GOROOT: want an error")
	}
}

func TestServe(t *testing.T) {
	in := strings.Join([]string{
		`{"id":1,"op":"split","source":"x := 1"}`,
		``,
		`not json`,
		`{"op":"nope"}`,
		`{"id":"a","op":"complete","source":"for {"}`,
		`{"op":"uses","source":"package p\nfunc f() { fmt.Println() }"}`,
		`{"op":"split","source":"}"}`,
	}, "\n") // no final newline: the last request must still be answered
	var out bytes.Buffer
	if err := serve(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		`{"id":1,"units":[{"kind":"var","names":["x"],"line":1,"col":1,"text":"x := 1","group":false,"define":2}]}`,
		`{"error":{"line":0,"col":0,"msg":"bad request: invalid character 'o' in literal null (expecting 'u')"}}`,
		`{"error":{"line":0,"col":0,"msg":"unknown op \"nope\""}}`,
		`{"id":"a","status":"incomplete"}`,
		`{"packages":["fmt"]}`,
		`{"error":{"line":1,"col":1,"msg":"expected statement, found '}'"}}`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// checkUnits verifies the invariants the kernel relies on: every text is the exact cell
// slice at the reported line:col, and units do not overlap.
func checkUnits(t *testing.T, src string, units []Unit) {
	t.Helper()
	lineStarts := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	prevEnd := 0
	for _, u := range units {
		if u.Line < 1 || u.Line > len(lineStarts) {
			t.Fatalf("%q: bad line %d", src, u.Line)
		}
		off := lineStarts[u.Line-1] + u.Col - 1
		if off < prevEnd || off+len(u.Text) > len(src) || src[off:off+len(u.Text)] != u.Text {
			t.Fatalf("%q: unit %#v is not the cell slice at its position", src, u)
		}
		prevEnd = off + len(u.Text)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"x := 1", "func f() {", "for i := 0; i < 3; i++ {}", "if x := []int{1}; len(x) > 0 {}",
		"var a = 1; fmt.Println(a)", "// c\n/* d */\nfunc (p *L[T]) M() {}\n", "`raw", "}}}", "package p; x",
		"func() {}()", "import (\"fmt\"; m \"math\")", "\xff\x00", "L: for { break L }",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		units, err := Split(src)
		if err == nil {
			checkUnits(t, src, units)
		}
		Completeness(src)
		Uses(src)
		// Through the protocol, invalid UTF-8 arrives as U+FFFD, so compare against that.
		encoded, _ := json.Marshal(src)
		var decoded string
		_ = json.Unmarshal(encoded, &decoded)
		_, want := Split(decoded)
		resp := handle([]byte(`{"op":"split","source":` + string(encoded) + `}`))
		if _, bad := resp["error"]; bad != (want != nil) {
			t.Fatalf("%q: handle and Split disagree", src)
		}
	})
}
