// @ts-check
// The project-local Python venv (`<repo>/.venv`) that the conformance suite and the Jupyter
// front-end tests share: made with `python3 -m venv` when missing or broken, and given a pinned
// requirements file once (a stamp in the venv holds the hash of what was installed).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const venvDir = path.join(repoRoot, '.venv');
export const venvBin = path.join(venvDir, 'bin');
export const venvPython = path.join(venvBin, 'python');

/**
 * Runs a command to completion with inherited output; returns its exit status (null if it could
 * not be started or was killed) and the spawn error, if any.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv }} [opts]
 */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, env: opts.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
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

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Makes sure .venv exists, works, and has `requirements` installed; exits the process with a
 * message prefixed by `label` when it cannot. Returns what it did, with its time.
 * @param {{ label: string, requirements: string, stamp: string, hashed?: string[], help: string, dir?: string, python3?: string }} o
 *   `stamp`: the file name in .venv holding the hash of `requirements` and of the `hashed` files
 *   (files the requirements include); `help`: what to install when Python is missing; `dir`: another
 *   venv than .venv, for pins that cannot share it (Enterprise Gateway's older Jupyter); `python3`: the
 *   Python that makes it (default: python3 on PATH).
 * @returns {string}
 */
export function ensureVenv({ label, requirements, stamp, hashed = [], help, dir = venvDir, python3 = 'python3' }) {
  const python = path.join(dir, 'bin', 'python');
  /** @param {string} message @returns {never} */
  const fail = (message) => {
    console.error(`${label}: ${message}`);
    process.exit(1);
  };
  const started = Date.now();
  let created = false;
  if (!succeeds(python, ['-c', 'import sys'])) {
    const probe = spawnSync(python3, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) fail(`${python3} was not found or does not run.\n${help}`);
    if (!succeeds(python3, ['-c', 'import venv, ensurepip'])) {
      fail(`${python3} (${probe.stdout.trim()}) has no usable venv module (ensurepip is missing).\n${help}`);
    }
    const existed = fs.existsSync(dir);
    console.error(`${label}: ${existed ? 'recreating the broken' : 'creating'} ${dir} with ${python3} ${probe.stdout.trim()}`);
    const r = run(python3, ['-m', 'venv', ...(existed ? ['--clear'] : []), dir]);
    if (r.status !== 0) fail(`${python3} -m venv ${dir} failed.\n${help}`);
    created = true;
  }
  if (!succeeds(python, ['-m', 'pip', '--version'])) fail(`${dir} has no pip: remove ${dir} and run again.\n${help}`);

  const digest = createHash('sha256').update(fs.readFileSync(requirements));
  for (const file of hashed) digest.update('\0').update(fs.readFileSync(file));
  const hash = digest.digest('hex');
  const stampFile = path.join(dir, stamp);
  const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  if (current === hash) return `venv: up to date (${seconds(Date.now() - started)})`;
  console.error(`${label}: installing ${path.relative(repoRoot, requirements)} into ${dir}`);
  const pipStarted = Date.now();
  const r = run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirements]);
  if (r.status !== 0) fail(`pip install -r ${requirements} failed (exit status ${r.status})`);
  fs.writeFileSync(stampFile, hash + '\n');
  return `venv: ${created ? 'created and ' : ''}installed the pinned requirements in ${seconds(Date.now() - started)} (pip ${seconds(Date.now() - pipStarted)})`;
}
