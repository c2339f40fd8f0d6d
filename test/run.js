// `npm test`: the unit and integration suites (mocha, against the built dist/), the Jupyter
// conformance suite (jupyter_kernel_test in a project-local venv), and `goperf check` of every
// committed notebook (its claims, escape decisions and allocation counts still hold). Ends with
// one summary line.
// Usage: node test/run.js [unit|integration|conformance|notebooks|<dir under dist/test> ...]
import Mocha from "mocha";
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSkips } from "./skips.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ["unit", "integration", "conformance", "notebooks"];

function testFiles(dir) {
  const full = join(root, "dist", "test", dir);
  try {
    return readdirSync(full, { recursive: true })
      .filter((f) => String(f).endsWith(".test.js"))
      .map((f) => join(full, String(f)))
      .filter((f) => statSync(f).isFile())
      .sort();
  } catch {
    return [];
  }
}

async function runMocha(dirs) {
  const mocha = new Mocha({ timeout: 120_000, reporter: "spec", slow: 5000 });
  for (const dir of dirs) for (const file of testFiles(dir)) mocha.addFile(file);
  await mocha.loadFilesAsync();
  return new Promise((done) => {
    const runner = mocha.run(() => done(runner.stats));
    runner.on("pending", (test) => skippedTests.push({ suite: "mocha", name: test.fullTitle() }));
  });
}

/** Every skipped test, by suite and name: checked against test/skips.js at the end. */
const skippedTests = [];

let passed = 0;
let failed = 0;
let skipped = 0;
const mochaDirs = suites.filter((s) => s !== "conformance" && s !== "notebooks");
if (mochaDirs.length) {
  const stats = await runMocha(mochaDirs);
  passed += stats.passes;
  failed += stats.failures;
  skipped += stats.pending;
}
if (suites.includes("conformance")) {
  // jupyter_kernel_test's own counts: "conformance: N passed, N failed, N skipped".
  const child = spawn(process.execPath, [join(root, "test", "conformance", "run.js")], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
    process.stdout.write(chunk);
  });
  const status = await new Promise((done) => child.on("close", done));
  const counts = /conformance: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(out);
  for (const m of out.matchAll(/^conformance skipped: (\w+)$/gm)) skippedTests.push({ suite: "conformance", name: m[1] });
  const named = skippedTests.filter((s) => s.suite === "conformance").length;
  if (counts && Number(counts[3]) !== named) {
    console.log(`\nconformance: unittest counted ${counts[3]} skipped tests but ${named} were named`);
    failed += 1;
  }
  if (counts) {
    passed += Number(counts[1]);
    failed += Number(counts[2]);
    skipped += Number(counts[3]);
  }
  if (status !== 0 && (!counts || Number(counts[2]) === 0)) failed += 1; // the suite could not run at all
}
if (suites.includes("notebooks")) {
  const dir = join(root, "notebooks");
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort()) {
    console.log(`\n== goperf check notebooks/${name}`);
    const child = spawn(process.execPath, [join(root, "dist", "bin", "goperf.js"), "check", join(dir, name)], { stdio: "inherit" });
    const status = await new Promise((done) => child.on("close", done));
    if (status === 0) passed += 1;
    else failed += 1;
  }
}
// Skipped tests are reported, never counted as passing; one not declared in test/skips.js (with
// its reason) fails the run, and so does a declared one that ran.
const { problems, notes } = checkSkips(skippedTests, suites.includes("conformance") ? ["conformance"] : []);
for (const line of [...notes, ...problems]) console.log(line);
failed += problems.length;
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
