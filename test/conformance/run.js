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
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processesMentioning } from '../procs.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const venvDir = path.join(repoRoot, '.venv');
const venvPython = path.join(venvDir, 'bin', 'python');
const requirements = path.join(here, 'requirements.txt');
const stampFile = path.join(venvDir, '.goperf-requirements');
const installJs = path.join(repoRoot, 'install.js');
const kernelMain = path.join(repoRoot, 'dist', 'kernel', 'main.js');
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
 * Runs a command to completion with inherited output; returns its exit status (null if it
 * could not be started or was killed) and the spawn error, if any.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string }} [opts]
 */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
  return { status: r.status, error: r.error };
}

/**
 * Whether `cmd args` runs and exits 0, with its output discarded.
 * @param {string} cmd
 * @param {string[]} args
 */
function succeeds(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Makes sure .venv exists, works, and has the pinned requirements. */
function ensureVenv() {
  if (!succeeds(venvPython, ['-c', 'import sys'])) {
    const probe = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) fail(`python3 was not found or does not run.\n${PYTHON_HELP}`);
    if (!succeeds('python3', ['-c', 'import venv, ensurepip'])) {
      fail(`python3 (${probe.stdout.trim()}) has no usable venv module (ensurepip is missing).\n${PYTHON_HELP}`);
    }
    const existed = fs.existsSync(venvDir);
    console.error(`conformance: ${existed ? 'recreating the broken' : 'creating'} ${venvDir} with python3 ${probe.stdout.trim()}`);
    const args = ['-m', 'venv', ...(existed ? ['--clear'] : []), venvDir];
    const r = run('python3', args);
    if (r.status !== 0) fail(`python3 -m venv ${venvDir} failed.\n${PYTHON_HELP}`);
  }
  if (!succeeds(venvPython, ['-m', 'pip', '--version'])) {
    fail(`${venvDir} has no pip: remove ${venvDir} and run again.\n${PYTHON_HELP}`);
  }

  const hash = createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  if (stamp === hash) return;
  console.error(`conformance: installing ${path.relative(repoRoot, requirements)} into ${venvDir}`);
  const r = run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirements]);
  if (r.status !== 0) fail(`pip install -r ${requirements} failed (exit status ${r.status})`);
  fs.writeFileSync(stampFile, hash + '\n');
}


/**
 * Ends the kernels left running from the temporary dir (if the suite could not shut them down).
 * @param {string} tmp
 */
async function reapKernels(tmp) {
  let pids = processesMentioning(tmp).map((p) => p.pid);
  if (pids.length === 0) return;
  console.error(`conformance: ending leftover kernel process(es) ${pids.join(', ')}`);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  for (let i = 0; i < 30 && pids.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    pids = pids.filter((pid) => processesMentioning(tmp).map((p) => p.pid).includes(pid));
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
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
  ensureVenv();
  if (!fs.existsSync(kernelMain)) fail(`${kernelMain} does not exist: run npm run build first`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goperf-conformance-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    await reapKernels(tmp);
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
    proc.stderr?.on('data', (/** @type {Buffer} */ chunk) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-8192);
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
