// JupyterLab (and Notebook 7) in a real browser: Debian's chromium driven by playwright-core opens
// a notebook, runs all cells with the goperf kernel, and the %escape and %bench outputs render,
// through the goperf-renderer extension (hover, kind toggles, sorting) where it is active.
// Screenshots go to test/artifacts/ (git-ignored).

import { expect } from "chai";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { kernelConnected, newPage, runAllCells, shown } from "./page.js";
import { artifactsDir, CELL_MS, DEMO_CELLS, freshDir, goperfKernels, processesMentioning, ROOT, runCommand, startJupyter, venvBin, waitFor, writeNotebook, type JupyterServer } from "./helpers.js";

const CHROMIUM = process.env.GOPERF_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

function checkChromium(): void {
  const problem = process.env.GOPERF_BROWSER_PROBLEM;
  if (problem) throw new Error(problem);
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`${CHROMIUM} is not there: the browser tests need Debian's chromium (apt-get install -y chromium) or GOPERF_CHROMIUM=/path/to/chromium`);
  }
}

/** The output area of the notebook's n-th cell (1-based). */
function cellOutput(page: Page, n: number): Locator {
  return page.locator(".jp-Notebook .jp-Cell").nth(n - 1).locator(".jp-OutputArea");
}

async function rowNames(page: Page): Promise<string[]> {
  return page.locator(".goperf-bench-table tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row") ?? ""));
}

async function openAndRun(page: Page, server: JupyterServer, path: string): Promise<void> {
  await page.goto(`${server.url}${path}?token=${server.token}`, { timeout: 60_000 });
  await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
  await page.locator(".jp-Notebook .jp-Cell").nth(DEMO_CELLS.length - 1).waitFor({ timeout: 30_000 });
  // The kernel named by the notebook's metadata starts by itself. Run only once the page is connected
  // to it: a cell run while the notebook has no kernel yet is silently cleared, not queued, and the
  // page's own indicators say "idle" before any kernel is there.
  await kernelConnected(server, path.replace(/^(lab\/tree|notebooks)\//, ""), page);
  await runAllCells(page, server);
  await shown(cellOutput(page, 2).getByText("49", { exact: true }), CELL_MS, "49 under cell 2", page, server);
  await shown(cellOutput(page, 3).getByText("moved to heap: p").first(), CELL_MS, "moved to heap: p under cell 3", page, server);
  await shown(cellOutput(page, 4).locator("table").first(), CELL_MS, "the bench table under cell 4", page, server);
}

describe("JupyterLab and Notebook 7 in a real browser (chromium)", function () {
  this.timeout(6 * 60_000);
  let browser: Browser | undefined;
  let root: string;

  /** The browser, launched by the first test group that needs it (a missing chromium fails only those). */
  async function launched(): Promise<Browser> {
    checkChromium();
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    return browser;
  }

  before(function () {
    root = freshDir("lab-root");
    // No "get notified about Jupyter news?" toast over the outputs in the screenshots.
    const settings = process.env.JUPYTERLAB_SETTINGS_DIR;
    if (settings) {
      mkdirSync(join(settings, "@jupyterlab", "apputils-extension"), { recursive: true });
      writeFileSync(join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false" }));
    }
    // One notebook per front end: a run leaves outputs behind if the notebook is saved.
    writeNotebook(join(root, "demo.ipynb"), DEMO_CELLS);
    writeNotebook(join(root, "demo7.ipynb"), DEMO_CELLS);
  });

  after(async () => {
    await browser?.close();
  });

  it("jupyter labextension list shows goperf-renderer enabled, from the run's data dir", async () => {
    const r = await runCommand(venvBin("jupyter"), ["labextension", "list"], { ms: 60_000 });
    const text = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
    expect(r.code, text).to.equal(0);
    expect(text).to.match(/goperf-renderer v0\.1\.0 enabled\s+OK/);
    const dataDir = process.env.JUPYTER_DATA_DIR!;
    expect(text).to.contain(join(dataDir, "labextensions"));
    expect(existsSync(join(dataDir, "labextensions", "goperf-renderer", "package.json"))).to.equal(true);
  });

  it("the extension's core metadata agrees with the installed JupyterLab's", async () => {
    const r = await runCommand(venvBin("python"), ["-c", "import jupyterlab, os; print(os.path.dirname(jupyterlab.__file__))"], { ms: 30_000 });
    expect(r.code, r.stderr).to.equal(0);
    type Core = { dependencies?: Record<string, string>; resolutions?: Record<string, string>; jupyterlab: { singletonPackages: string[] } };
    const real = JSON.parse(readFileSync(join(r.stdout.trim(), "staging", "package.json"), "utf8")) as Core;
    const ours = JSON.parse(readFileSync(join(ROOT, "renderers", "jupyterlab", "core-meta", "package.json"), "utf8")) as Core;
    for (const [name, range] of Object.entries(ours.resolutions ?? {})) {
      expect(real.resolutions?.[name] ?? real.dependencies?.[name], name).to.equal(range);
      expect(real.jupyterlab.singletonPackages, name).to.include(name);
    }
    expect(ours.jupyterlab.singletonPackages.every((p) => real.jupyterlab.singletonPackages.includes(p))).to.equal(true);
  });

  describe("JupyterLab", () => {
    let server: JupyterServer | undefined;
    let page: Page;

    before(async function () {
      this.timeout(90_000);
      const b = await launched();
      server = await startJupyter("lab", root, ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]);
      page = await newPage(b);
    });

    after(async function () {
      this.timeout(60_000);
      await page?.close();
      await server?.stop();
    });

    it("runs all cells of a notebook: Go, %escape and %bench outputs render", async () => {
      await openAndRun(page, server!, "lab/tree/demo.ipynb");
      await page.screenshot({ path: join(artifactsDir(), "jupyterlab-notebook.png") });
    });

    it("renders the reports with the goperf-renderer extension (not the HTML fallback)", async () => {
      const escape = cellOutput(page, 3).locator(".goperf-escape");
      const bench = cellOutput(page, 4).locator(".goperf-bench");
      expect(await escape.count(), "the escape report is rendered by goperf-renderer").to.equal(1);
      expect(await bench.count(), "the bench report is rendered by goperf-renderer").to.equal(1);
      // The extension's view replaces the HTML: the output carries the vendor renderer's mime type.
      const shown = async (n: number) => cellOutput(page, n).locator("[data-mime-type]").evaluateAll((els) => els.map((e) => e.getAttribute("data-mime-type")));
      expect(await shown(3)).to.deep.equal(["application/vnd.goperf.escape.v1+json"]);
      expect(await shown(4)).to.include("application/vnd.goperf.bench.v1+json");
      expect(await shown(4)).to.not.include("text/html");
      expect(await escape.locator(".goperf-line.goperf-annotated[data-kinds~='heap']").count()).to.equal(1);
      expect(await bench.locator("tbody tr").count()).to.equal(2);
      expect(await bench.locator(".goperf-chart svg").count(), "the bar chart the static HTML shows").to.equal(1);
    });

    it("%escape: hovering an annotated line shows the compiler's explanation", async () => {
      const escape = cellOutput(page, 3).locator(".goperf-escape");
      const line = escape.locator(".goperf-line.goperf-annotated[data-kinds~='heap']");
      // The card is put on document.body while shown (output areas clip what overflows them).
      const tooltip = page.locator(".goperf-tooltip");
      expect(await tooltip.count()).to.equal(0);
      await line.scrollIntoViewIfNeeded();
      await line.hover();
      await tooltip.waitFor({ state: "visible", timeout: 5000 });
      const text = await tooltip.innerText();
      expect(text).to.contain("moved to heap: p");
      expect(text).to.match(/flow:/);
      const box = (await escape.boundingBox())!;
      const card = (await tooltip.boundingBox())!;
      const y = Math.max(0, Math.min(box.y, card.y) - 4);
      await page.screenshot({
        path: join(artifactsDir(), "jupyterlab-escape-hover.png"),
        clip: { x: box.x, y, width: box.width, height: Math.max(box.y + box.height, card.y + card.height) - y + 4 },
      });
      await page.mouse.move(5, 5);
      await tooltip.waitFor({ state: "detached", timeout: 5000 });
    });

    it("%escape: toggling a decision kind hides and shows its annotations", async () => {
      const escape = cellOutput(page, 3).locator(".goperf-escape");
      const toggle = escape.locator(".goperf-toggle[data-kind='heap']");
      expect(await toggle.getAttribute("aria-pressed")).to.equal("true");
      expect(await escape.locator(".goperf-msg[data-kind='heap']").count()).to.equal(1);
      await toggle.click();
      expect(await escape.locator(".goperf-toggle[data-kind='heap']").getAttribute("aria-pressed")).to.equal("false");
      expect(await escape.locator(".goperf-msg[data-kind='heap']").count()).to.equal(0);
      expect(await escape.locator(".goperf-line[data-kinds~='heap']").count()).to.equal(0);
      expect(await escape.locator(".goperf-summary").innerText()).to.match(/hidden/);
      await escape.screenshot({ path: join(artifactsDir(), "jupyterlab-escape-heap-off.png") });
      await escape.locator(".goperf-toggle[data-kind='heap']").click();
      expect(await escape.locator(".goperf-msg[data-kind='heap']").count()).to.equal(1);
    });

    it("%bench: clicking a column header sorts the table, again reverses it", async () => {
      const bench = cellOutput(page, 4).locator(".goperf-bench");
      const before = await rowNames(page);
      expect(before).to.have.length(2);
      const header = bench.locator(".goperf-bench-table th[data-key='name'] button");
      await header.click();
      const ascending = await rowNames(page);
      expect(ascending).to.deep.equal([...before].sort((a, b) => a.localeCompare(b)));
      expect(await bench.locator(".goperf-bench-table th[data-key='name']").getAttribute("aria-sort")).to.equal("ascending");
      await header.click();
      expect(await rowNames(page)).to.deep.equal([...ascending].reverse());
      expect(await bench.locator(".goperf-bench-table th[data-key='name']").getAttribute("aria-sort")).to.equal("descending");
      await bench.locator(".goperf-bench-table th[data-key='ns'] button").click();
      const medians = await bench.evaluate((el) => [...el.querySelectorAll(".goperf-bench-table tbody tr td:nth-child(2)")].map((td) => td.textContent ?? ""));
      expect(medians).to.have.length(2);
      await bench.locator(".goperf-bench-table th[data-key='allocs'] button").click();
      const allocs = await bench.locator(".goperf-bench-table tbody tr td:nth-child(5)").allInnerTexts();
      expect(allocs.map(Number)).to.deep.equal([...allocs.map(Number)].sort((a, b) => a - b));
      await bench.screenshot({ path: join(artifactsDir(), "jupyterlab-bench-sorted.png") });
    });

    it("stops the server: no jupyter server and no kernel process is left", async () => {
      await page.close();
      await server!.stop();
      await waitFor(() => goperfKernels().length === 0, 15_000, "the kernel processes exiting");
      expect(processesMentioning(root)).to.deep.equal([]);
    });
  });

  describe("Notebook 7", () => {
    let server: JupyterServer | undefined;
    let page: Page;

    before(async function () {
      this.timeout(90_000);
      const b = await launched();
      server = await startJupyter("notebook", root);
      page = await newPage(b);
    });

    after(async function () {
      this.timeout(60_000);
      await page?.close();
      await server?.stop();
    });

    it("runs all cells; the reports render with goperf-renderer", async () => {
      await openAndRun(page, server!, "notebooks/demo7.ipynb");
      expect(await cellOutput(page, 3).locator(".goperf-escape").count()).to.equal(1);
      expect(await cellOutput(page, 4).locator(".goperf-bench").count()).to.equal(1);
      await page.screenshot({ path: join(artifactsDir(), "notebook7.png") });
      await page.close();
      await server!.stop();
      await waitFor(() => goperfKernels().length === 0, 15_000, "the kernel processes exiting");
      expect(processesMentioning(root)).to.deep.equal([]);
    });
  });
});
