#!/usr/bin/env node
// @ts-check
/**
 * Runs the jupyter_kernel_test conformance suite (test_goperf.py) against the built kernel.
 *
 *   node test/conformance/run.js        (after `npm run build`)
 *
 * 1. Makes `<repo>/.venv` with `python3 -m venv` if it is missing and installs the pinned
 *    requirements.txt into it, unless the stamp `.venv/.goperf-requirements` holds the hash of
 *    that file already.
 * 2. Installs the `goperf` kernelspec into a fresh temporary JUPYTER_DATA_DIR (`node install.js`).
 * 3. Runs `.venv/bin/python -m unittest` on test_goperf.py with that JUPYTER_DATA_DIR (and no
 *    JUPYTER_PATH), streaming its output, then removes the temporary directory and exits with
 *    the suite's status.
 *
 * Environment: GOPERF_CONFORMANCE_TIMEOUT (seconds, default 900) bounds the unittest run; the
 * suite waits without a limit for some replies, so a kernel that never answers would hang.
 * Every child is spawned with an argv array, never through a shell.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { endProcessesMentioning } from '../procs.js';
import { ensureVenv, repoRoot, run, venvPython } from '../venv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const requirements = path.join(here, 'requirements.txt');
const installJs = path.join(repoRoot, 'install.js');
const kernelMain = path.join(repoRoot, 'dist', 'bundle', 'kernel.cjs');
const suiteFile = 'test_goperf.py';
const timeoutSeconds = Number(process.env.GOPERF_CONFORMANCE_TIMEOUT ?? '900');

const PYTHON_HELP =
  'The conformance suite needs Python 3 (3.10 or later) with its venv module and ensurepip.\n' +
  'On Debian or Ubuntu: apt-get install python3 python3-venv';

/** @param {string} message */
function fail(message) {
  console.error(`conformance: ${message}`);
  process.exit(1);
}

/**
 * unittest's closing lines ("Ran N tests", "OK (skipped=K)" / "FAILED (failures=F, errors=E,
 * skipped=K)") as one "N passed, N failed, N skipped" line, or null if they are not there.
 * @param {string} text
 */
function summarize(text) {
  const ran = /^Ran (\d+) tests? in /m.exec(text);
  const verdict = /^(OK|FAILED)(?: \(([^)]*)\))?\s*$/m.exec(text.slice(ran ? ran.index : 0));
  if (!ran || !verdict) return null;
  /** @type {Record<string, number>} */
  const counts = {};
  for (const part of (verdict[2] ?? '').split(',')) {
    const m = /(\w+)=(\d+)/.exec(part);
    if (m) counts[m[1]] = Number(m[2]);
  }
  const failed = (counts.failures ?? 0) + (counts.errors ?? 0) + (counts.unexpected_successes ?? 0);
  const skipped = counts.skipped ?? 0;
  const passed = Math.max(0, Number(ran[1]) - failed - skipped);
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

async function main() {
  ensureVenv({ label: 'conformance', requirements, stamp: '.goperf-requirements', help: PYTHON_HELP });
  if (!fs.existsSync(kernelMain)) fail(`${kernelMain} does not exist: run npm run build first`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goperf-conformance-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    const left = await endProcessesMentioning(tmp);
    if (left.length > 0) console.error(`conformance: ended leftover kernel process(es) ${left.map((p) => p.pid).join(', ')}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => {
    if (child && child.exitCode === null) child.kill(signal);
    else void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  let status = 1;
  try {
    /** @type {NodeJS.ProcessEnv} */
    const env = {
      ...process.env,
      JUPYTER_DATA_DIR: tmp,
      JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
      JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
      PYTHONUNBUFFERED: '1',
    };
    delete env.JUPYTER_PATH;
    delete env.JUPYTER_CONFIG_PATH;

    const inst = run(process.execPath, [installJs], { env });
    if (inst.status !== 0) throw new Error(`node install.js failed (exit status ${inst.status})`);

    // `-m unittest test/conformance/test_goperf.py` would import it as test.conformance.test_goperf,
    // and the standard library's own `test` package shadows the repository's test/ directory;
    // discover with test/conformance as the top-level dir imports it as `test_goperf`.
    const args = ['-m', 'unittest', 'discover', '-v', '-s', here, '-t', here, '-p', suiteFile];
    console.error(`conformance: ${path.relative(repoRoot, venvPython)} ${args.join(' ')}  (JUPYTER_DATA_DIR=${tmp})`);
    const proc = spawn(venvPython, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'pipe'] });
    child = proc;
    let tail = '';
    let partial = '';
    /** @type {string[]} */
    const skipped = [];
    proc.stderr?.on('data', (/** @type {Buffer} */ chunk) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-8192);
      // unittest -v: "test_x (module.Class.test_x) ... skipped 'why'", one test a line.
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^(test_\w+) \(.*\) \.\.\. skipped/.exec(line);
        if (m) skipped.push(m[1]);
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`conformance: the suite took longer than ${timeoutSeconds} s: stopping it`);
      proc.kill('SIGINT');
      setTimeout(() => proc.exitCode === null && proc.kill('SIGKILL'), 10_000).unref();
    }, timeoutSeconds * 1000);
    const [code, signal] = await new Promise((resolve, reject) => {
      proc.on('error', reject);
      proc.on('close', (c, s) => resolve([c, s]));
    });
    clearTimeout(timer);
    const summary = summarize(tail);
    // test/run.js checks these names against the declared skips (test/skips.js).
    for (const name of skipped) console.log(`conformance skipped: ${name}`);
    if (summary) console.log(`conformance: ${summary}`);
    status = timedOut ? 1 : code ?? (signal ? 128 + (os.constants.signals[/** @type {NodeJS.Signals} */ (signal)] ?? 0) : 1);
  } catch (err) {
    console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
    status = 1;
  } finally {
    await cleanup();
  }
  process.exit(status);
}

await main();
