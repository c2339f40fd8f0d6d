// Package histogram counts values into fixed-width buckets: a small piece of "real code" that the
// real-code notebook analyses with %use and %escape --pkg.
package histogram

// Histogram counts values in [Min, Min+Width*len(Counts)).
type Histogram struct {
	Min, Width float64
	Counts     []int
}

// New makes a histogram of n buckets. The histogram and its counts outlive the call: both are
// allocated on the heap.
func New(min, width float64, n int) *Histogram {
	return &Histogram{Min: min, Width: width, Counts: make([]int, n)}
}

// Add counts one value; values outside the range are dropped.
func (h *Histogram) Add(x float64) {
	i := int((x - h.Min) / h.Width)
	if i >= 0 && i < len(h.Counts) {
		h.Counts[i]++
	}
}

// Total is the number of values counted.
func (h *Histogram) Total() int {
	n := 0
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// Fill counts xs into h and returns the total. Nothing here lets h outlive the call, so a caller's
// histogram can stay on the caller's stack.
func Fill(h *Histogram, xs []float64) int {
	for _, x := range xs {
		h.Add(x)
	}
	return h.Total()
}
