#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:hub`: goperf under JupyterHub with two real local users (after `npm run build`).
 *
 * 1. Needs root: it creates two users (`useradd -m`), and JupyterHub's local-process spawner
 *    starts each user's server as that user. They are removed at the end (`userdel -r`), with any
 *    process they still own and what they left in the temp dir (goperf's private root,
 *    <temp dir>/goperf-UID), however the run ends.
 * 2. Installs the pinned test/hub/requirements.txt (JupyterHub 6.1.1, Jupyter Server 2.21.1) into
 *    `<repo>/.venv-hub` (or $GOPERF_HUB_VENV), made with Debian's /usr/bin/python3 (a Python the
 *    users can run) when missing; configurable-http-proxy comes from node_modules (npm ci).
 * 3. Installs the goperf kernelspec into a temporary prefix every user can read, and checks that
 *    the users can reach node, the built kernel, the venv and go. A clone in a private directory
 *    (/root) is reached through ACL entries that let the two test users search, not list, the
 *    closed directories for the run (setfacl, Debian's acl); without setfacl it fails, saying so.
 * 4. Warms each user's own caches up with `goperf run` as that user (see warmUp).
 * 5. Runs mocha over dist/test/hub/*.test.js and prints one "hub: N passed, N failed" line. A failed
 *    test prints the end of the hub's log (the users' servers and kernels log there too);
 *    GOPERF_HUB_LOG=FILE keeps the whole of it.
 * Children are spawned with argv arrays, never through a shell.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { ensureVenv, repoRoot } from '../venv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const testsDir = path.join(repoRoot, 'dist', 'test', 'hub');
const USERS = ['goperfhuba', 'goperfhubb'];
// Made with Debian's Python: the users run the venv's Python, which must not live under root's home.
const SYSTEM_PYTHON = '/usr/bin/python3';
// GOPERF_HUB_VENV: another place for it (to prove a fresh install works without touching this one).
const venvDir = process.env.GOPERF_HUB_VENV ? path.resolve(process.env.GOPERF_HUB_VENV) : path.join(repoRoot, '.venv-hub');
const venvBin = path.join(venvDir, 'bin');
/** Bound on warming one user's caches (both users at once, on a 2-core machine). */
const WARM_MS = 240_000;

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`test:hub: ${message}`);
  console.log('\nhub: 0 passed, 1 failed');
  process.exit(1);
}

/** @param {string} user @returns {string} the home dir useradd gave `user` */
function homeOf(user) {
  const entry = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!entry) throw new Error(`no user ${user} in /etc/passwd`);
  return entry.split(':')[5];
}

/** @param {string} file @returns {string[]} the dirs above `file`, from / down */
function ancestors(file) {
  const dirs = [];
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) return dirs;
  }
}

/** @param {string} cmd @param {string[]} args */
function sh(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8' });
}

/** What the warm-up runs: a Go cell, %escape and %bench, the kinds of cell the hub test runs. */
const WARM_CELLS = ['//go:noinline\nfunc warm(x int) *int {\n\tp := x\n\treturn &p\n}', 'fmt.Println(*warm(1))', '%escape', '%bench -benchtime 1x warm(1)'];

/**
 * Runs goperf once as `user` (`goperf run` of a three-cell notebook in their home), as a hub image
 * does when it is built: goperf builds its Go helpers into the user's goperf cache, and the go
 * command the standard library packages that cells and benchmarks need into the user's own build
 * cache, as that user would on a first session (~80 s of CPU here, both users at once, which the
 * hub test's cells would otherwise wait for). Each user's caches stay their own: root's are not
 * shared. The environment is the one the hub gives their server (HOME, USER, PATH; no GOCACHE).
 * Bounded: a run that takes longer than WARM_MS fails the run with its output.
 * @param {string} user @param {string} home
 * @returns {Promise<void>}
 */
function warmUp(user, home) {
  const notebook = path.join(home, 'goperf-warm.ipynb');
  const cells = WARM_CELLS.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }));
  fs.writeFileSync(notebook, JSON.stringify({ cells, metadata: { kernelspec: { display_name: 'Go (perf)', language: 'go', name: 'goperf' } }, nbformat: 4, nbformat_minor: 5 }));
  const { uid, gid } = fs.statSync(home);
  fs.chownSync(notebook, uid, gid);
  const env = ['HOME=' + home, 'USER=' + user, 'LOGNAME=' + user, 'PATH=' + (process.env.PATH ?? '')];
  const goperf = path.join(repoRoot, 'dist', 'bin', 'goperf.js');
  const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...env, process.execPath, goperf, 'run', notebook, '--no-html'], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (t) => (output += t));
  child.stderr.setEncoding('utf8').on('data', (t) => (output += t));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`goperf run as ${user} (the warm-up) did not finish within ${WARM_MS / 1000} s:\n${output}`));
    }, WARM_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(notebook, { force: true });
      if (code === 0) resolve();
      else reject(new Error(`goperf run as ${user} (the warm-up) failed (${signal ?? `exit status ${code}`}):\n${output}`));
    });
  });
}

/** Ends every process of a test user (they are ours: the run created them), then removes the user. */
function removeUser(/** @type {string} */ user) {
  const id = sh('id', ['-u', user]);
  if (id.status !== 0) return;
  sh('pkill', ['-KILL', '-u', user]);
  // userdel -r removes the home, not what the user made in the temp dir (goperf's private root).
  const uid = Number(id.stdout.trim());
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const file = path.join(os.tmpdir(), entry);
    try {
      if (fs.lstatSync(file).uid === uid) fs.rmSync(file, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
  }
  const r = sh('userdel', ['-r', '-f', user]);
  if (r.status !== 0 && r.status !== 12) console.error(`test:hub: userdel ${user}: ${r.stderr.trim()}`);
}

/**
 * Kills the hub and its proxy (its own session) if they outlived the test, from the pid files in
 * the run's dir, after checking each pid still runs what it did. Returns what it found running.
 * @param {string} tmp @returns {string[]}
 */
function stopLeftovers(tmp) {
  const left = [];
  for (const [name, file] of [['jupyterhub', 'hub.pid'], ['configurable-http-proxy', 'proxy.pid']]) {
    let pid;
    let cmdline;
    try {
      pid = Number(fs.readFileSync(path.join(tmp, file), 'utf8').trim());
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // never written, or gone
    }
    if (!Number.isInteger(pid) || pid <= 1 || !cmdline.includes(name)) continue; // someone else's pid by now
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL'); // its process group (started in a session of its own), else itself
        break;
      } catch {
        // no such group
      }
    }
    left.push(`${name} (pid ${pid})`);
  }
  return left;
}

async function main() {
  if (process.getuid?.() !== 0) fail('JupyterHub with two local users needs root (it creates the users, and spawns their servers as them). Run it as root, as CI does.');
  ensureVenv({
    label: 'test:hub',
    requirements: path.join(here, 'requirements.txt'),
    stamp: '.goperf-hub-requirements',
    help: `The hub test needs Debian's ${SYSTEM_PYTHON} with venv (apt-get install python3-venv).`,
    dir: venvDir,
    python3: SYSTEM_PYTHON,
  });
  const proxy = path.join(repoRoot, 'node_modules', '.bin', 'configurable-http-proxy');
  if (!fs.existsSync(proxy)) fail(`${proxy} is missing: run npm ci (configurable-http-proxy is a devDependency)`);
  if (!fs.existsSync(testsDir)) fail(`no compiled tests in ${testsDir}: run npm run build first`);

  // World-readable, so the users' servers can read the kernelspec; nothing secret lives here.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goperf-hub-'));
  fs.chmodSync(tmp, 0o755);
  const prefix = path.join(tmp, 'prefix');
  const inst = spawnSync(process.execPath, [path.join(repoRoot, 'install.js'), '--prefix', prefix], { encoding: 'utf8' });
  if (inst.status !== 0) fail(`node install.js --prefix failed:\n${inst.stdout}${inst.stderr}`);
  spawnSync('chmod', ['-R', 'a+rX', prefix]);

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  /** Dirs where the test users were let through (setfacl), to be taken back. */
  /** @type {{ dir: string, hadAcl: boolean }[]} */
  const granted = [];
  /** Lets the test users search (not list) `dirs`; false when setfacl is missing or refused. */
  const grantSearch = (/** @type {string[]} */ dirs) => {
    for (const dir of dirs) {
      // A dir with no ACL of its own gets back exactly its mode (setfacl -b), else only our entries go.
      const own = sh('getfacl', ['--skip-base', '--absolute-names', dir]);
      if (own.status !== 0) return false;
      granted.push({ dir, hadAcl: own.stdout.trim() !== '' });
      for (const user of USERS) if (sh('setfacl', ['-m', `u:${user}:x`, dir]).status !== 0) return false;
    }
    return true;
  };
  /** Stops what the run started and removes the users and the dir; returns the problems. */
  const cleanUp = () => {
    const problems = stopLeftovers(tmp).map((what) => `${what} was still running (killed now)`);
    for (const { dir, hadAcl } of granted.splice(0)) {
      const undo = hadAcl ? USERS.map((user) => ['-x', `u:${user}`, dir]) : [['-b', dir]];
      for (const args of undo) if (sh('setfacl', args).status !== 0) problems.push(`setfacl ${args.join(' ')} failed: the test users' ACL entries on ${dir} are left`);
    }
    for (const user of USERS) removeUser(user);
    for (const user of USERS) if (sh('id', ['-u', user]).status === 0) problems.push(`user ${user} could not be removed`);
    fs.rmSync(tmp, { recursive: true, force: true });
    return problems;
  };
  // Interrupted (Ctrl-C, CI's timeout): leave no users, hub or proxy behind either.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.once(signal, () => {
      for (const problem of cleanUp()) console.error(`test:hub: ${problem}`);
      console.error(`test:hub: stopped by ${signal}; the users and the hub are gone`);
      process.exit(130);
    });
  }
  try {
    for (const user of USERS) {
      removeUser(user); // left by an earlier run that was killed
      const r = sh('useradd', ['-m', '-s', '/bin/bash', user]);
      if (r.status !== 0) throw new Error(`useradd ${user} failed: ${r.stderr.trim()}`);
    }
    const go = sh('sh', ['-c', 'command -v go']).stdout.trim();
    for (const [what, file, test] of [
      ['node', process.execPath, '-x'],
      ['the built kernel', path.join(repoRoot, 'dist', 'bundle', 'kernel.cjs'), '-r'],
      ['the venv', path.join(venvBin, 'jupyterhub-singleuser'), '-x'],
      ['go', go, '-x'],
    ]) {
      if (sh('runuser', ['-u', USERS[0], '--', 'test', test, file]).status === 0) continue;
      const closed = ancestors(file).filter((dir) => fs.existsSync(dir) && !(fs.statSync(dir).mode & 0o001));
      // A clone under a private dir (a home such as /root): the two test users, and no one else,
      // may pass through those dirs (search only, no listing) for the run; removed in cleanUp.
      if (closed.length && grantSearch(closed) && sh('runuser', ['-u', USERS[0], '--', 'test', test, file]).status === 0) {
        console.log(`test:hub: ${closed.join(', ')} not searchable by other users: the test users may pass through (ACL, for this run)`);
        continue;
      }
      throw new Error(`the test users cannot reach ${what} (${file})${closed.length ? `: ${closed.join(', ')} not searchable by other users, and setfacl (Debian's acl) could not let them through` : ''}. Run the hub test from a clone every user can reach (e.g. under /srv or /work), or install acl`);
    }
    const warmStarted = Date.now();
    await Promise.all(USERS.map((user) => warmUp(user, homeOf(user))));
    console.log(`test:hub: warmed each user's own goperf and Go build caches (goperf run as the user) in ${((Date.now() - warmStarted) / 1000).toFixed(1)} s`);
    Object.assign(process.env, {
      GOPERF_HUB_TMP: tmp,
      GOPERF_HUB_USERS: USERS.join(','),
      GOPERF_HUB_VENV: venvDir,
      GOPERF_HUB_PROXY: proxy,
      GOPERF_HUB_JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
    });
    const mocha = new Mocha({ timeout: 300_000, reporter: 'spec', slow: 20_000 });
    for (const f of fs.readdirSync(testsDir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(testsDir, f));
    await mocha.loadFilesAsync();
    const stats = await new Promise((resolve) => {
      const runner = mocha.run(() => resolve(runner.stats));
    });
    passed = stats.passes;
    failed = stats.failures;
    skipped = stats.pending;
  } catch (err) {
    console.error(`test:hub: ${err instanceof Error ? err.message : String(err)}`);
    failed += 1;
  } finally {
    for (const problem of cleanUp()) {
      console.error(`test:hub: ${problem}`);
      failed += 1;
    }
  }
  console.log(`\nhub: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || skipped > 0 ? 1 : 0);
}

await main();
