// The display side channel: frames decoded from bytes a real program wrote (captured with
// test/fixtures/display/capture.sh, go1.26.8), put in order with its prints however the three
// pipes' chunks arrive; garbage, cut frames, a closed channel and every cap.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { DisplayRelay, MarkerScanner } from "../../kernel/go/displayrelay.js";
import { DISPLAY_CAPS, FrameDecoder, encodeFrame, type Bundle } from "../../kernel/go/sidechannel.js";
import { fixture } from "../helpers/paths.js";

const captured = (ext: string) => readFileSync(fixture(`display/interleaved.go1.26.8.${ext}`));
const TOKEN = "tok3n";

type Event = { out: "stdout" | "stderr" | "display" | "update" | "note"; text: string };

function relay(caps = DISPLAY_CAPS, token = TOKEN) {
  const events: Event[] = [];
  const add = (out: Event["out"], text: string) => {
    const last = events[events.length - 1];
    // Stream text is compared joined: how it was chunked is not the program's doing.
    if (last && last.out === out && (out === "stdout" || out === "stderr")) last.text += text;
    else events.push({ out, text });
  };
  const show = (data: Bundle) => String(data["text/plain"]);
  const r = new DisplayRelay(token, {
    stdout: (t) => add("stdout", t),
    stderr: (t) => add("stderr", t),
    display: (data, _m, id) => add("display", (id ? `${id}: ` : "") + show(data)),
    update: (id, data) => add("update", `${id}: ${show(data)}`),
    note: (t) => add("note", t),
  }, caps);
  return { r, events };
}

/** The events between two displays, with the two streams' text apart (their order is not defined). */
function segments(events: Event[]): string[] {
  const out: string[] = [];
  let stdout = "";
  let stderr = "";
  const close = () => {
    if (stdout || stderr) out.push(`stdout=${JSON.stringify(stdout)} stderr=${JSON.stringify(stderr)}`);
    stdout = stderr = "";
  };
  for (const e of events) {
    if (e.out === "stdout") stdout += e.text;
    else if (e.out === "stderr") stderr += e.text;
    else {
      close();
      out.push(`${e.out} ${e.text}`);
    }
  }
  close();
  return out;
}

const expected = [
  'stdout="before\\n" stderr=""',
  "display one",
  'stdout="no newline, then " stderr="warning between\\n"',
  "note display.Markdown: the text is not valid UTF-8 (first bad byte at offset 8); bad bytes are shown as U+FFFD",
  "display **two** \uFFFD",
  "display live: step 1",
  'stdout="after step 1\\n" stderr=""',
  "update live: step 2",
  'stdout="after step 2\\n" stderr=""',
  "update live: step 3",
  'stdout="after step 3\\n" stderr=""',
  "display Name   N\n----  --\na      1\nbb    22",
  'stdout="end\\n" stderr=""',
];

/** A small seeded generator, so that a failing interleaving can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("display side channel", () => {
  it("puts a real program's displays between the prints they were made between, whole", () => {
    const { r, events } = relay();
    r.fd3(captured("fd3"));
    r.stdout(captured("stdout").toString());
    r.stderr(captured("stderr").toString());
    expect(r.finish()).to.equal(null);
    expect(segments(events)).to.deep.equal(expected);
  });

  it("gives the same order however the three pipes' chunks interleave (300 seeded interleavings)", () => {
    const sources = [captured("fd3"), captured("stdout"), captured("stderr")];
    for (let seed = 1; seed <= 300; seed++) {
      const next = rng(seed);
      const { r, events } = relay();
      const at = [0, 0, 0];
      while (at.some((a, i) => a < sources[i].length)) {
        const i = Math.floor(next() * 3);
        if (at[i] >= sources[i].length) continue;
        const n = 1 + Math.floor(next() * (next() < 0.5 ? 4 : 120));
        const chunk = sources[i].subarray(at[i], at[i] + n);
        at[i] += chunk.length;
        if (i === 0) r.fd3(chunk);
        else if (i === 1) r.stdout(chunk.toString("latin1"));
        else r.stderr(chunk.toString("latin1"));
      }
      r.finish();
      expect(segments(events), `seed ${seed}`).to.deep.equal(expected);
    }
  });

  it("holds text back only while a display it follows is missing", () => {
    const { r, events } = relay();
    r.stdout(`a\n\x1bGPD${TOKEN}:1;b\n`);
    r.stderr(`\x1bGPD${TOKEN}:1;`);
    expect(segments(events)).to.deep.equal(['stdout="a\\n" stderr=""']);
    r.fd3(encodeFrame("display", { data: { "text/plain": "x" } }));
    expect(segments(events)).to.deep.equal(['stdout="a\\n" stderr=""', "display x", 'stdout="b\\n" stderr=""']);
  });

  it("finds markers split across chunks, and leaves look-alikes from another run as text", () => {
    const s = new MarkerScanner(TOKEN);
    const marker = `\x1bGPD${TOKEN}:12;`;
    const segs = [...s.push(`x${marker.slice(0, 5)}`), ...s.push(marker.slice(5, 11)), ...s.push(`${marker.slice(11)}y\x1bGPDother:3;`), ...s.flush()];
    expect(segs).to.deep.equal([{ text: "x" }, { mark: 12 }, { text: "y\x1bGPDother:3;" }]);
  });

  it("says the channel broke on garbage, and every print still arrives", () => {
    const { r, events } = relay();
    r.stdout(`one\n\x1bGPD${TOKEN}:1;two\n\x1bGPD${TOKEN}:2;three\n`);
    r.stderr(`\x1bGPD${TOKEN}:1;\x1bGPD${TOKEN}:2;`);
    r.fd3(Buffer.from("hello, this is not a frame"));
    r.finish();
    expect(segments(events)).to.deep.equal([
      'stdout="one\\n" stderr=""',
      'note the display channel broke: byte 0 of the channel (fd 3) is not a goperf display frame: "hello, this is n…" (a frame starts with "GPD"); the displays after it were dropped, the program\'s output was not',
      'stdout="two\\nthree\\n" stderr=""',
    ]);
  });

  it("shows the frames before garbage, and breaks at the garbage", () => {
    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.concat([encodeFrame("display", { data: { "text/plain": "ok" } }), Buffer.from("GPDx\0\0\0\0")]));
    expect(events.map((e) => e.event)).to.deep.equal(["message", "broken"]);
    expect(decoder.push(encodeFrame("display", { data: { "text/plain": "later" } }))).to.deep.equal([]);
  });

  it("says when the program's write to the channel failed (it closed fd 3)", () => {
    // What channel.go writes when its frame write fails: the sequence marker, then "!" and why.
    const { r, events } = relay();
    r.stdout(`a\n\x1bGPD${TOKEN}:1;\x1bGPD${TOKEN}:!write |1: bad file descriptor;b\n`);
    r.stderr(`\x1bGPD${TOKEN}:1;`);
    r.finish();
    expect(segments(events)).to.deep.equal([
      'stdout="a\\n" stderr=""',
      "note the display channel broke: the program's write to fd 3 failed (write |1: bad file descriptor); its later displays were dropped, its output was not",
      'stdout="b\\n" stderr=""',
    ]);
  });

  it("drops a frame cut off by the program's end with a note", () => {
    const { r, events } = relay();
    const frame = encodeFrame("display", { data: { "text/plain": "cut" } });
    r.stdout(`\x1bGPD${TOKEN}:1;`);
    r.stderr(`\x1bGPD${TOKEN}:1;`);
    r.fd3(frame.subarray(0, frame.length - 3));
    r.finish();
    expect(events.map((e) => `${e.out} ${e.text}`)).to.deep.equal([
      `note a display was dropped: the program ended while it was being sent (${frame.length - 11} of ${frame.length - 8} bytes arrived; a goroutine still running when main returns is stopped mid-display)`,
    ]);
  });

  it("caps one message's size, skipping its bytes without keeping them", () => {
    const caps = { ...DISPLAY_CAPS, messageBytes: 100 };
    const { r, events } = relay(caps);
    const big = encodeFrame("display", { data: { "text/plain": "x".repeat(500) } });
    r.stdout(`\x1bGPD${TOKEN}:1;\x1bGPD${TOKEN}:2;after\n`);
    r.stderr(`\x1bGPD${TOKEN}:1;\x1bGPD${TOKEN}:2;`);
    for (let i = 0; i < big.length; i += 37) r.fd3(big.subarray(i, i + 37));
    r.fd3(encodeFrame("display", { data: { "text/plain": "small" } }));
    r.finish();
    expect(segments(events)).to.deep.equal([
      `note a display was dropped: it was ${big.length - 8} bytes (the cap is DISPLAY_CAPS.messageBytes = 100 bytes in kernel/go/sidechannel.ts)`,
      "display small",
      'stdout="after\\n" stderr=""',
    ]);
  });

  it("caps the number of displays, and shows the last update of each output past the update cap", () => {
    const { r, events } = relay({ ...DISPLAY_CAPS, displays: 2, updates: 2 });
    for (let i = 1; i <= 4; i++) r.fd3(encodeFrame("display", { data: { "text/plain": `d${i}` } }));
    for (let i = 1; i <= 5; i++) r.fd3(encodeFrame("update", { data: { "text/plain": `u${i}` }, display_id: i % 2 ? "odd" : "even" }));
    r.finish();
    expect(events.map((e) => `${e.out} ${e.text}`)).to.deep.equal([
      "display d1",
      "display d2",
      "note displays past the first 2 were dropped (the cap is DISPLAY_CAPS.displays = 2 in kernel/go/sidechannel.ts)",
      "update odd: u1",
      "update even: u2",
      "note updates past the first 2 were held back (the cap is DISPLAY_CAPS.updates = 2 in kernel/go/sidechannel.ts)",
      "update odd: u5",
      "update even: u4",
      "note the last update of each of 2 outputs is shown",
    ]);
  });

  it("caps the total bytes of a cell's displays", () => {
    const { r, events } = relay({ ...DISPLAY_CAPS, totalBytes: 140 });
    for (let i = 1; i <= 3; i++) r.fd3(encodeFrame("display", { data: { "text/plain": `${i}`.repeat(40) } }));
    r.finish();
    expect(events.map((e) => e.out)).to.deep.equal(["display", "display", "note"]);
    expect(events[2].text).to.equal("a display was dropped: the cell's displays passed 140 bytes in all (the cap is DISPLAY_CAPS.totalBytes = 140 bytes in kernel/go/sidechannel.ts)");
  });

  it("drops a frame that is not valid UTF-8 or not a bundle, and goes on", () => {
    const { r, events } = relay();
    const bad = encodeFrame("display", { data: { "text/plain": "ab" } });
    bad[bad.length - 4] = 0xff; // inside "ab"
    r.fd3(bad);
    r.fd3(encodeFrame("display", { data: { "not a mime": "x" } }));
    r.fd3(encodeFrame("update", { data: { "text/plain": "no id" } }));
    r.fd3(encodeFrame("display", { data: { "text/plain": "fine" } }));
    r.finish();
    expect(events.map((e) => `${e.out} ${e.text}`)).to.deep.equal([
      "note a display was dropped: its bytes are not valid UTF-8 (the goperf/display functions replace bad bytes; this frame was written by other code)",
      'note a display was dropped: "not a mime" is not a MIME type',
      "note a display update was dropped: an update needs a display_id",
      "display fine",
    ]);
  });

  it("returns the cell's value, parsing JSON types the shown-value function sends as text", () => {
    const { r } = relay();
    r.fd3(encodeFrame("result", { data: { "text/plain": "v", "application/json": '{"a":[1]}' } }));
    expect(r.finish()).to.deep.equal({ "text/plain": "v", "application/json": { a: [1] } });
  });
});
