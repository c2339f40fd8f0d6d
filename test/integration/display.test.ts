// goperf/display in cells: the real kernel over ZeroMQ with the real Go toolchain (go1.26.8 here).
import { expect } from "chai";
import { KernelClient, outputsOf, streamText, type Exchange } from "../../kernel/client/client.js";
import { errorOf } from "../helpers/outputs.js";

type Out = { type: string; text: string; id?: string };

/** The cell's outputs in the order they were published: streams by name, displays by text/plain. */
function timeline(x: Exchange): Out[] {
  const out: Out[] = [];
  for (const m of outputsOf(x)) {
    const c = m.content as { name?: string; text?: string; data?: Record<string, unknown>; transient?: { display_id?: string } };
    const type = m.header.msg_type;
    if (type === "stream") {
      const last = out[out.length - 1];
      if (last && last.type === c.name) last.text += c.text;
      else out.push({ type: c.name!, text: c.text! });
    } else if (c.data) out.push({ type, text: String(c.data["text/plain"]), ...(c.transient?.display_id ? { id: c.transient.display_id } : {}) });
  }
  return out;
}

const ok = (x: Exchange) => expect(x.reply.content.status, JSON.stringify(outputsOf(x).map((m) => m.content)).slice(0, 2000)).to.equal("ok");

describe("goperf/display in cells (real kernel, real go)", function () {
  this.timeout(240_000);
  let k: KernelClient;

  before(async () => {
    k = await KernelClient.launch();
  });
  after(async () => {
    await k?.close();
  });

  it("sends each display as display_data in order with the prints around it", async () => {
    const x = await k.execute(
      [
        'import "goperf/display"',
        "",
        "for i := 0; i < 3; i++ {",
        '\tfmt.Println("print", i)',
        '\tfmt.Fprintln(os.Stderr, "warn", i)',
        '\tdisplay.HTML(fmt.Sprintf("<b>shown %d</b>", i))',
        "}",
        'fmt.Println("done")',
      ].join("\n"),
    );
    ok(x);
    const t = timeline(x);
    // stdout and stderr between two displays have no order between them: compared per stretch.
    const stretches: string[] = [];
    let texts: Record<string, string> = {};
    const close = () => {
      if (Object.keys(texts).length) stretches.push(`stdout=${JSON.stringify(texts.stdout ?? "")} stderr=${JSON.stringify(texts.stderr ?? "")}`);
      texts = {};
    };
    for (const o of t) {
      if (o.type === "stdout" || o.type === "stderr") texts[o.type] = (texts[o.type] ?? "") + o.text;
      else {
        close();
        stretches.push(`${o.type} ${o.text}`);
      }
    }
    close();
    expect(stretches).to.deep.equal([
      'stdout="print 0\\n" stderr="warn 0\\n"',
      "display_data shown 0",
      'stdout="print 1\\n" stderr="warn 1\\n"',
      "display_data shown 1",
      'stdout="print 2\\n" stderr="warn 2\\n"',
      "display_data shown 2",
      'stdout="done\\n" stderr=""',
    ]);
    const html = outputsOf(x).find((m) => m.header.msg_type === "display_data")!.content as { data: Record<string, string> };
    expect(html.data["text/html"]).to.equal("<b>shown 0</b>");
  });

  it("sends update_display_data with the display_id for a live output, and a progress bar", async () => {
    const x = await k.execute(
      [
        // A top-level `p := ...` would be a session variable, made when each later program
        // starts (README "Session variables"): the bar is made inside a function instead.
        "func fill(n int) {",
        "\tp := display.Progress(n)",
        "\tfor i := 0; i < n; i++ {",
        "\t\tp.Add(1)",
        "\t}",
        "}",
        "",
        'o := display.New("counter")',
        "for i := 1; i <= 3; i++ {",
        '\to.Text(fmt.Sprint("count ", i))',
        "}",
        "fill(1000)",
      ].join("\n"),
    );
    ok(x);
    const t = timeline(x);
    expect(t.slice(0, 3)).to.deep.equal([
      { type: "display_data", text: "count 1", id: "counter" },
      { type: "update_display_data", text: "count 2", id: "counter" },
      { type: "update_display_data", text: "count 3", id: "counter" },
    ]);
    const bar = t.slice(3);
    expect(bar[0].type).to.equal("display_data");
    expect(bar[0].text).to.match(/^\[ +\] 0% 0\/1000 in /);
    expect(bar[bar.length - 1].type).to.equal("update_display_data");
    expect(bar[bar.length - 1].text).to.match(/^\[#{30}\] 100% 1000\/1000 in /);
    expect(new Set(bar.map((o) => o.id)).size).to.equal(1);
  });

  it("shows tables, charts and a value with an HTML() method", async () => {
    const x = await k.execute(
      [
        'import "goperf/display/chart"',
        "",
        "type Row struct {",
        "\tName string",
        "\tNs   float64 `display:\"ns/op\"`",
        "}",
        "",
        "type Badge string",
        "",
        'func (b Badge) HTML() string { return "<span>" + string(b) + "</span>" }',
        "",
        'display.Table([]Row{{"a", 1.5}, {"bb", 20}})',
        'display.SVG(chart.Line(chart.Options{Title: "t"}, chart.Series{Name: "s", X: []float64{1, 2}, Y: []float64{3, 4}}))',
        'badge := Badge("fast")',
        "badge",
      ].join("\n"),
    );
    ok(x);
    const msgs = outputsOf(x).map((m) => ({ type: m.header.msg_type, data: (m.content as { data?: Record<string, string> }).data }));
    expect(msgs.map((m) => m.type)).to.deep.equal(["display_data", "display_data", "execute_result"]);
    expect(msgs[0].data!["text/plain"]).to.equal("Name  ns/op\n----  -----\na     1.500\nbb    20.00");
    expect(msgs[0].data!["text/html"]).to.match(/^<table style="[^"]+"><thead>/);
    expect(msgs[1].data!["image/svg+xml"]).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(msgs[2].data).to.deep.equal({ "text/plain": "fast", "text/html": "<span>fast</span>" });
  });

  it("shows a value's Display() bundle, JSON types parsed", async () => {
    const x = await k.execute(
      [
        "type Point struct{ X, Y int }",
        "",
        'func (p Point) Display() map[string]any { return map[string]any{"application/json": fmt.Sprintf(`{"x":%d,"y":%d}`, p.X, p.Y), "text/markdown": "**point**"} }',
        "",
        "Point{1, 2}",
      ].join("\n"),
    );
    ok(x);
    const result = outputsOf(x).find((m) => m.header.msg_type === "execute_result")!.content as { data: Record<string, unknown> };
    expect(result.data).to.deep.equal({ "text/plain": "{1 2}", "application/json": { x: 1, y: 2 }, "text/markdown": "**point**" });
  });

  it("shows a value's SVG() and Markdown() forms together, with %v as text/plain", async () => {
    const x = await k.execute(
      [
        "type Dot string",
        "",
        'func (d Dot) SVG() string      { return `<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>` }',
        'func (d Dot) Markdown() string { return "*" + string(d) + "*" }',
        "",
        'dot := Dot("a \\"dot\\"\\n")',
        "dot",
      ].join("\n"),
    );
    ok(x);
    const result = outputsOf(x).find((m) => m.header.msg_type === "execute_result")!.content as { data: Record<string, unknown> };
    expect(result.data).to.deep.equal({
      "text/plain": 'a "dot"\n',
      "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>',
      "text/markdown": '*a "dot"\n*',
    });
  });

  it("replaces invalid UTF-8 with U+FFFD and says where it was", async () => {
    const x = await k.execute('display.Text("ok \\xff\\xfe end")\nfmt.Println("after")');
    ok(x);
    expect(timeline(x)).to.deep.equal([
      { type: "stderr", text: "[goperf display: display.Text: the text is not valid UTF-8 (first bad byte at offset 3); bad bytes are shown as U+FFFD]\n" },
      { type: "display_data", text: "ok \uFFFD end" },
      { type: "stdout", text: "after\n" },
    ]);
  });

  it("caps 100,000 displays in a loop with a note saying where the cap is; the prints all arrive", async () => {
    const x = await k.execute('for i := 0; i < 100000; i++ {\n\tdisplay.Text("x")\n}\nfmt.Println("still here")');
    ok(x);
    const t = timeline(x);
    expect(t.filter((o) => o.type === "display_data")).to.have.length(1000);
    expect(t.filter((o) => o.type === "stderr").map((o) => o.text).join("")).to.equal(
      "[goperf display: displays past the first 1000 were dropped (the cap is DISPLAY_CAPS.displays = 1000 in kernel/go/sidechannel.ts)]\n",
    );
    expect(streamText(x, "stdout")).to.equal("still here\n");
    const next = await k.execute('fmt.Println("responsive")');
    expect(streamText(next, "stdout")).to.equal("responsive\n");
  });

  it("drops a 100 MB image with a note, and keeps the rest", async () => {
    const x = await k.execute('display.PNG(make([]byte, 100<<20))\ndisplay.Text("after")\nfmt.Println("printed")');
    ok(x);
    const t = timeline(x);
    expect(t.map((o) => o.type)).to.deep.equal(["stderr", "display_data", "stdout"]);
    expect(t[0].text).to.match(/^\[goperf display: a display was dropped: it was 133\.3 MiB \(the cap is DISPLAY_CAPS\.messageBytes = 16 MiB in kernel\/go\/sidechannel\.ts\)\]\n$/);
    expect(t[1].text).to.equal("after");
  });

  it("says the display channel broke on garbage and on a closed channel; stdout still arrives", async () => {
    const garbage = await k.execute('import "syscall"\n\nsyscall.Write(3, []byte("garbage!"))\nfmt.Println("out 1")\ndisplay.Text("lost")\nfmt.Println("out 2")');
    ok(garbage);
    expect(streamText(garbage, "stdout")).to.equal("out 1\nout 2\n");
    expect(streamText(garbage, "stderr"), streamText(garbage, "stderr")).to.match(/^\[goperf display: the display channel broke: byte 0 of the channel \(fd 3\) is not a goperf display frame: "garbage!/);
    expect(timeline(garbage).filter((o) => o.type === "display_data")).to.deep.equal([]);

    const closed = await k.execute('syscall.Close(3)\nfmt.Println("out 1")\ndisplay.Text("lost")\nfmt.Println("out 2")');
    ok(closed);
    expect(streamText(closed, "stdout")).to.equal("out 1\nout 2\n");
    expect(streamText(closed, "stderr")).to.equal(
      "[goperf display: the display channel broke: the program's write to fd 3 failed (write goperf-display: bad file descriptor); its later displays were dropped, its output was not]\n",
    );
  });

  it("drops the display a goroutine is sending when main returns, with a note, and sends nothing after the reply", async () => {
    // A goroutine sends 1 MiB displays without pause; main returns after 300 ms, most likely in
    // the middle of one (writing it takes longer than encoding the next). Three tries: when main
    // happens to return between two displays there is nothing to drop, and nothing to note.
    let noted = "";
    for (let attempt = 0; attempt < 3 && !noted; attempt++) {
      const x = await k.execute(
        [
          "go func() {",
          "\tfor {",
          '\t\tdisplay.Text(strings.Repeat("y", 1<<20))',
          "\t}",
          "}()",
          "time.Sleep(300 * time.Millisecond)",
          'fmt.Println("main returns")',
        ].join("\n"),
      );
      ok(x);
      expect(streamText(x, "stdout")).to.equal("main returns\n");
      noted = streamText(x, "stderr");
      for (const o of timeline(x).filter((o) => o.type === "display_data")) expect(o.text).to.have.length(1 << 20);
      // Nothing of this cell arrives once its reply is in: the next cell's outputs are its own.
      const late = await k.execute('fmt.Println("next")');
      expect(timeline(late)).to.deep.equal([{ type: "stdout", text: "next\n" }]);
    }
    expect(noted).to.match(
      /^\[goperf display: (a display was dropped: the program ended while it was being sent \(\d+ of 1048\d+ bytes arrived; a goroutine still running when main returns is stopped mid-display\)|display \d+ was dropped: the program ended before sending it \(a goroutine still running when main returned is stopped mid-display\))\]\n$/,
    );
  });

  it("leaves %bench binaries without the package unless the code imports it, and notes displays in benchmarks", async () => {
    const fresh = await KernelClient.launch();
    try {
      const plain = await fresh.execute("%bench --benchtime 1000x\nfunc BenchmarkSum(b *testing.B) {\n\ts := 0\n\tfor b.Loop() {\n\t\ts++\n\t}\n\t_ = s\n}");
      ok(plain);
      const shows = await fresh.execute(
        '%bench --benchtime 1000x\nimport "goperf/display"\n\nfunc BenchmarkShow(b *testing.B) {\n\tfor b.Loop() {\n\t\tdisplay.Text("x")\n\t}\n}',
      );
      ok(shows);
      const report = (x: Exchange) =>
        outputsOf(x).map((m) => (m.content as { data?: Record<string, { notes?: string[] }> }).data?.["application/vnd.goperf.bench.v1+json"]).find(Boolean)!;
      expect(report(plain).notes).to.deep.equal([]);
      expect(report(shows).notes).to.deep.equal([
        "the measured code calls goperf/display: each call encodes a message and allocates, and that cost is in these figures (a benchmark's displays are not shown)",
      ]);

    } finally {
      await fresh.close();
    }
  });

  it("reports a display package misuse as a compile error in the cell's coordinates", async () => {
    const x = await k.execute("display.HTML(42)");
    expect(errorOf(x).evalue).to.match(/^cell\[\d+\]:1:14: cannot use 42/);
  });
});
