// `npm test`: the unit and integration suites (mocha, against the built dist/), then the Jupyter
// conformance suite (jupyter_kernel_test in a project-local venv). Ends with one summary line.
// Usage: node test/run.js [unit|integration|conformance ...]   (default: all three)
import Mocha from "mocha";
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ["unit", "integration", "conformance"];

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
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const mochaDirs = suites.filter((s) => s !== "conformance");
if (mochaDirs.length) {
  const stats = await runMocha(mochaDirs);
  passed += stats.passes;
  failed += stats.failures;
  skipped += stats.pending;
}
if (suites.includes("conformance")) {
  const r = spawnSync(process.execPath, [join(root, "test", "conformance", "run.js")], { stdio: "inherit" });
  if (r.status === 0) passed += 1;
  else failed += 1;
  console.log(`conformance suite (jupyter_kernel_test): ${r.status === 0 ? "passed" : "FAILED"}`);
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || skipped > 0 ? 1 : 0);
