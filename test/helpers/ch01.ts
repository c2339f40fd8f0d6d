// Chapter 1's lab code, cell by cell, as a reader types it into goperf.

export const POINTS = `type Point struct{ X, Y int }

//go:noinline
func NewPointPtr(x, y int) *Point {
	p := Point{x, y}
	return &p // p's address outlives this frame -> heap
}

//go:noinline
func NewPointVal(x, y int) Point {
	p := Point{x, y}
	return p // copied into the caller -> stack
}

//go:noinline
func LocalAddr(x, y int) int {
	p := Point{x, y}
	q := &p // address taken...
	return q.X + q.Y // ...but q never leaves the frame
}`;

export const SQUARES = `//go:noinline
func SquareQuiet(n int) int {
	return n * n
}

//go:noinline
func SquareLogged(n int) int {
	x := n * n
	fmt.Fprint(io.Discard, x) // x is boxed into \`any\` -> escapes
	return x
}`;

export const CLOSURES = `//go:noinline
func MakeCounter() func() int {
	n := 0
	return func() int { // the closure escapes (it is returned)...
		n++
		return n // ...so n must outlive MakeCounter -> heap
	}
}

//go:noinline
func SumLocally(nums []int) int {
	total := 0
	add := func(v int) { total += v } // never leaves the frame
	for _, v := range nums {
		add(v)
	}
	return total
}`;

export const INTERFACES = `type Transformer interface{ Transform(int) int }

type Doubler struct{}

func (Doubler) Transform(x int) int { return x * 2 }

//go:noinline
func UseConcrete(x int) int {
	d := Doubler{}
	return d.Transform(x) // concrete type known
}

//go:noinline
func UseInterface(t Transformer, x int) int {
	return t.Transform(x) // concrete type hidden
}`;

export const GLOBALS = `var Retained *Point

//go:noinline
func StashGlobal(x, y int) {
	p := Point{x, y}
	Retained = &p // lifetime now exceeds the function -> heap
}`;

export const DRILL2 = `func A() *int { x := 1; return &x }
func B() int { x := 1; p := &x; return *p }
func C(w io.Writer) { fmt.Fprint(w, 1<<20) }`;

/** Experiments 4 and 6 as benchmarks (the closures, the global): %bench's and %profile's tests run them. */
export const CLOSURE_BENCHMARKS = [
  "var nums = []int{1, 2, 3, 4}",
  "",
  "func BenchmarkClosureLocal(b *testing.B) {",
  "\tfor b.Loop() {",
  "\t\tSumLocally(nums)",
  "\t}",
  "}",
  "",
  "func BenchmarkClosureEscape(b *testing.B) {",
  "\tfor i := 0; i < b.N; i++ {",
  "\t\tMakeCounter()",
  "\t}",
  "}",
  "",
  "func BenchmarkStashGlobal(b *testing.B) {",
  "\tfor b.Loop() {",
  "\t\tStashGlobal(1, 2)",
  "\t}",
  "}",
].join("\n");
