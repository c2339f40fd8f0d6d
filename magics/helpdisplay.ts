// `%help display`: the goperf/display API in one page (a topic, not a magic).

export const DISPLAY_HELP = `goperf/display: rich output from Go cells (import "goperf/display"; no network needed)

Each call shows one output at once, in order with the cell's prints:
  display.HTML(s)          an HTML fragment (inline styles; front ends drop scripts)
  display.Markdown(s)      Markdown text
  display.SVG(s)           an SVG image from its markup
  display.PNG(b)           a PNG image from its bytes;  display.JPEG(b) likewise
  display.JSON(v)          v encoded as JSON (a tree in JupyterLab)
  display.Text(s)          plain text as an output of its own
  display.Table(rows)      a slice of structs or maps -> an HTML table and an aligned text table
                           (exported fields are columns; \`display:"name"\` renames, \`display:"-"\` hides)
  display.Bundle(m)        any MIME bundle: map[string]any, MIME type -> string, []byte, or a JSON value

Outputs that change in place (update_display_data):
  o := display.New("id")   o.HTML(s), o.Markdown(s), o.SVG(s), o.Text(s), o.Update(bundle), o.ID():
                           the first call shows the output, later calls redraw it
  p := display.Progress(n) p.Add(k), p.Set(k), p.Done(): a progress bar, redrawn at most every 100 ms

Charts (import "goperf/display/chart"), self-contained SVG in goperf's look:
  display.SVG(chart.Line(chart.Options{Title: "ns/op", LogX: true}, chart.Series{Name: "map", X: xs, Y: ys}))
  chart.Line, chart.Scatter(opts, series...), chart.Bar(opts, labels, series...)
  Options: Title, XLabel, YLabel, LogX, LogY, Width, Height; chart.Format(v) writes a tick (1.5k, 2M)

Rich values: a cell's last expression whose value has HTML() string, SVG() string, Markdown() string
or Display() map[string]any is shown in those forms too (text/plain is its %v).

Limits per cell (kernel/go/sidechannel.ts, DISPLAY_CAPS): 1000 displays, 10000 updates (past that the
last update of each output is shown), 16 MiB per message, 64 MiB in all; each drop is noted in the
output. Displays a goroutine is still sending when main returns are dropped with a note.
In %bench the package shows nothing: its calls still encode and allocate, and the report says so.`;
