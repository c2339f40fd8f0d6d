#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:jupyter`: the goperf kernel in real Jupyter front ends (after `npm run build`).
 *
 *   node test/jupyter/run.js [WORD...]    WORDs select test files by name (services, nbclient, lab,
 *                                         gateway: `npm run test:gateway`)
 *
 * 1. Makes `<repo>/.venv` (the conformance suite's venv) if it is missing and installs the pinned
 *    test/jupyter/requirements.txt into it (JupyterLab, Jupyter Server, Notebook 7, nbclient,
 *    nbconvert; the file includes test/conformance/requirements.txt, whose pins it agrees with),
 *    unless the stamp `.venv/.goperf-jupyter-requirements` holds the hash of both files already.
 *    Also `<repo>/.venv-gateway` with test/jupyter/gateway-requirements.txt (Enterprise Gateway's
 *    pins cannot share .venv), when the gateway suite is among the files.
 * 2. Builds the JupyterLab renderer extension if it is missing or stale (renderers/jupyterlab/build.mjs).
 * 3. Installs the kernelspec and the extension into a fresh temporary JUPYTER_DATA_DIR
 *    (`node install.js`), with the runtime, config and settings dirs there too.
 * 4. Runs mocha over dist/test/jupyter/*.test.js with that environment (PATH starting with the
 *    venv's bin), then ends whatever process still mentions the temporary dir (and says so: a
 *    leftover fails the run), removes the dir, and prints one "N passed, N failed" line.
 *
 * Needs python3 with venv (Debian: python3-venv) and, for the browser tests, Debian's chromium
 * (apt-get install -y chromium; or GOPERF_CHROMIUM=/path). Without chromium the browser tests fail
 * saying so; the others run. Environment: GOPERF_JUPYTER_TIMEOUT (seconds, default 1800) bounds
 * the mocha run; GOPERF_JUPYTER_KEEP=1 keeps the temporary dir. Children are spawned with argv
 * arrays, never through a shell.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { endProcessesMentioning } from '../procs.js';
import { ensureVenv, repoRoot, run, venvBin, venvDir } from '../venv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const requirements = path.join(here, 'requirements.txt');
const gatewayRequirements = path.join(here, 'gateway-requirements.txt');
const gatewayVenv = path.join(repoRoot, '.venv-gateway');
const conformanceRequirements = path.join(repoRoot, 'test', 'conformance', 'requirements.txt');
const installJs = path.join(repoRoot, 'install.js');
const kernelMain = path.join(repoRoot, 'dist', 'bundle', 'kernel.cjs');
const extensionBuild = path.join(repoRoot, 'renderers', 'jupyterlab', 'build.mjs');
const testsDir = path.join(repoRoot, 'dist', 'test', 'jupyter');
const chromium = process.env.GOPERF_CHROMIUM || '/usr/bin/chromium';
const timeoutSeconds = Number(process.env.GOPERF_JUPYTER_TIMEOUT ?? '1800');

const PYTHON_HELP =
  'The Jupyter front-end tests need Python 3 (3.10 or later) with its venv module and ensurepip.\n' +
  'On Debian or Ubuntu: apt-get install python3 python3-venv';
const CHROMIUM_HELP =
  `The browser tests need Debian's chromium at ${chromium} (no downloaded browser is used): ` +
  'apt-get update && apt-get install -y chromium (as root), or set GOPERF_CHROMIUM to a Chromium binary.';

/** @param {string} message */
function fail(message) {
  console.error(`test:jupyter: ${message}`);
  process.exit(1);
}

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The compiled test files, or those whose names contain one of the command line's words. */
function testFiles() {
  if (!fs.existsSync(testsDir)) return [];
  const only = process.argv.slice(2);
  return fs
    .readdirSync(testsDir)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => only.length === 0 || only.some((word) => f.includes(word)))
    .sort()
    .map((f) => path.join(testsDir, f));
}

async function main() {
  const t0 = Date.now();
  /** @type {string[]} */
  const timings = [];
  timings.push(ensureVenv({ label: 'test:jupyter', requirements, stamp: '.goperf-jupyter-requirements', hashed: [conformanceRequirements], help: PYTHON_HELP }));
  if (!fs.existsSync(kernelMain)) fail(`${kernelMain} does not exist: run npm run build first`);
  const files = testFiles();
  if (files.length === 0) fail(`no compiled tests in ${testsDir}: run npm run build first`);
  if (files.some((f) => f.includes('gateway'))) {
    timings.push(ensureVenv({ label: 'test:jupyter', requirements: gatewayRequirements, stamp: '.goperf-gateway-requirements', help: PYTHON_HELP, dir: gatewayVenv }));
  }

  const extStarted = Date.now();
  const ext = run(process.execPath, [extensionBuild]);
  if (ext.status !== 0) fail('building the JupyterLab extension failed (node renderers/jupyterlab/build.mjs)');
  timings.push(`extension build (or up-to-date check): ${seconds(Date.now() - extStarted)}`);

  /** @type {string | undefined} */
  let browserProblem;
  try {
    fs.accessSync(chromium, fs.constants.X_OK);
  } catch {
    browserProblem = CHROMIUM_HELP;
    console.error(`test:jupyter: ${CHROMIUM_HELP}\ntest:jupyter: the browser tests will fail; the others run.`);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goperf-jupyter-'));
  const env = process.env;
  Object.assign(env, {
    GOPERF_JUPYTER_TMP: tmp,
    GOPERF_JUPYTER_VENV: venvDir,
    GOPERF_GATEWAY_VENV: gatewayVenv,
    JUPYTER_DATA_DIR: path.join(tmp, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
    JUPYTERLAB_SETTINGS_DIR: path.join(tmp, 'lab-settings'),
    JUPYTERLAB_WORKSPACES_DIR: path.join(tmp, 'lab-workspaces'),
    // The kernels' scratch modules and their go builds live under the run's dir too, so that
    // "no process left behind" can be checked by looking for it.
    TMPDIR: path.join(tmp, 'tmp'),
    PATH: `${venvBin}${path.delimiter}${env.PATH ?? ''}`,
    PYTHONUNBUFFERED: '1',
  });
  if (browserProblem) env.GOPERF_BROWSER_PROBLEM = browserProblem;
  delete env.JUPYTER_PATH;
  delete env.JUPYTER_CONFIG_PATH;
  fs.mkdirSync(path.join(tmp, 'tmp'));

  let cleanedUp = false;
  /** @type {{ pid: number, cmdline: string }[]} */
  let leftovers = [];
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    leftovers = await endProcessesMentioning(tmp);
    if (leftovers.length > 0) {
      console.error(`test:jupyter: processes left behind:\n${leftovers.map((p) => `  ${p.pid} ${p.cmdline.slice(0, 200)}`).join('\n')}`);
    }
    if (process.env.GOPERF_JUPYTER_KEEP) console.error(`test:jupyter: kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => void cleanup().then(() => process.exit(130)));
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const inst = spawnSync(process.execPath, [installJs], { cwd: repoRoot, env, encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(`node install.js failed (exit status ${inst.status})\n${inst.stderr}`);
    process.stderr.write(inst.stdout);
    if (!inst.stdout.includes('goperf-renderer')) throw new Error(`node install.js did not install the extension:\n${inst.stdout}${inst.stderr}`);

    console.error(`test:jupyter: mocha over ${path.relative(repoRoot, testsDir)} (JUPYTER_DATA_DIR=${env.JUPYTER_DATA_DIR})`);
    const mocha = new Mocha({ timeout: 180_000, reporter: 'spec', slow: 10_000 });
    for (const file of files) mocha.addFile(file);
    await mocha.loadFilesAsync();
    /** @type {[string, number][]} */
    const durations = [];
    const stats = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the tests took longer than ${timeoutSeconds} s`)), timeoutSeconds * 1000);
      const runner = mocha.run(() => {
        clearTimeout(timer);
        resolve(runner.stats);
      });
      runner.on('test end', (test) => durations.push([test.fullTitle(), test.duration ?? 0]));
    });
    passed = stats.passes;
    failed = stats.failures;
    skipped = stats.pending;
    for (const [title, ms] of durations) timings.push(`${seconds(ms).padStart(8)}  ${title}`);
  } catch (err) {
    console.error(`test:jupyter: ${err instanceof Error ? err.message : String(err)}`);
    failed += 1;
  } finally {
    await cleanup();
  }
  if (leftovers.length > 0) {
    console.error(`test:jupyter: ${leftovers.length} process(es) were left behind (ended now): that fails the run`);
    failed += 1;
  }
  console.log(`\ntimings:\n${timings.map((t) => `  ${t}`).join('\n')}\n  total ${seconds(Date.now() - t0)}`);
  console.log(`\njupyter: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || skipped > 0 ? 1 : 0);
}

await main();
