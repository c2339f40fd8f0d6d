// The book runner's scheduling, its --jobs rules and its closing table (the notebooks' work is a
// stand-in here; test/integration/book.test.ts runs real notebooks through the command line).
import { expect } from "chai";
import { JobsError, formatBook, jobsFor, runBook } from "../../kernel/notebook/book.js";

describe("a book of notebooks (--jobs)", () => {
  it("reads --jobs: a whole number of at least 1, never more than the notebooks", () => {
    expect(jobsFor(undefined, 3)).to.deep.equal({ jobs: 1 });
    expect(jobsFor("2", 3)).to.deep.equal({ jobs: 2 });
    expect(jobsFor("8", 3)).to.deep.equal({ jobs: 3, note: "--jobs 8 for 3 notebooks: running 3 at once" });
    for (const bad of ["0", "-1", "two", "1.5", ""]) expect(() => jobsFor(bad, 3), bad).to.throw(JobsError, /at least 1/);
  });

  it("runs at most N at once, keeps the given order, and a failing notebook is its own row", async () => {
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const release: (() => void)[] = [];
    const book = runBook(["a.ipynb", "b.ipynb", "bad.ipynb", "c.ipynb"], {
      jobs: 2,
      each: async (path) => {
        started.push(path);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        if (path === "bad.ipynb") throw new Error("bad.ipynb: not a notebook: Unexpected token");
        return { status: "ok", cells: { executed: 2, total: 2 }, claims: { held: 1, failed: 0 } };
      },
    });
    // Let the two workers start, then release notebooks one at a time.
    for (let i = 0; i < 4; i++) {
      while (release.length === 0) await new Promise((r) => setImmediate(r));
      release.shift()!();
    }
    const rows = await book;
    expect(most).to.equal(2);
    expect(started).to.deep.equal(["a.ipynb", "b.ipynb", "bad.ipynb", "c.ipynb"]);
    expect(rows.map((r) => [r.notebook, r.status])).to.deep.equal([
      ["a.ipynb", "ok"],
      ["b.ipynb", "ok"],
      ["bad.ipynb", "error"],
      ["c.ipynb", "ok"],
    ]);
    expect(rows[2].message).to.match(/not a notebook/);
  });

  it("ends with a table and says which notebooks were not ok, and why", () => {
    const text = formatBook([
      { notebook: "ch01.ipynb", status: "ok", cells: { executed: 40, total: 40 }, claims: { held: 79, failed: 0 }, seconds: 41.25 },
      { notebook: "bad.ipynb", status: "error", seconds: 0, message: "not valid JSON" },
    ]);
    const lines = text.split("\n");
    expect(lines[0]).to.match(/^notebook\s+status\s+cells\s+claims held\s+claims failed\s+time$/);
    expect(lines[2]).to.match(/^ch01\.ipynb\s+ok\s+40\/40\s+79\s+0\s+41\.3s$/);
    expect(lines[3]).to.match(/^bad\.ipynb\s+error\s+-\s+-\s+-\s+0\.0s$/);
    expect(text).to.contain("1 of 2 notebooks ok; 1 not: bad.ipynb");
    expect(text).to.contain("  bad.ipynb: not valid JSON");
  });
});
