'use strict';
/**
 * The kernel's entry point as the kernelspec runs it: node [flags] dist/bundle/kernel.cjs CONNECTION_FILE
 * (copied there by bundle/build.mjs, beside kernel-body.cjs, esbuild's bundle of kernel/main.ts).
 *
 * Runs the bundle through vm.Script with V8's code cache, so that a start deserializes compiled
 * code instead of compiling the bundle again. The cache is the user's own: written at exit (when
 * it was missing or V8 rejected it, as after a rebuild or a Node upgrade) under
 * $XDG_CACHE_HOME/goperf/v8 (else ~/.cache/goperf/v8), a dir created 0700; V8 bytecode is code,
 * so a dir or file that is not the user's own, or that others can write, is never read (nor
 * written). V8 checks the cache against the source and its own version and flags, and rejects a
 * mismatch; the key in the file name (Node version, arch, the bundle's size and mtime) keeps
 * rebuilds and Node upgrades from rejecting one another's.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const body = path.join(__dirname, 'kernel-body.cjs');
// ASCII (bundle/build.mjs checks): read as latin1, a one-byte string with no UTF-8 decoding.
const source = fs.readFileSync(body, 'latin1');
const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'goperf', 'v8');
const stat = fs.statSync(body);
const cacheFile = path.join(cacheDir, `kernel-${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}.cache`);

/** True when `p` is the user's own and only the user can write it. */
function ownOnly(p, st = fs.lstatSync(p)) {
  return typeof process.getuid !== 'function' || (st.uid === process.getuid() && (st.mode & 0o022) === 0);
}

function readCache() {
  let fd;
  try {
    if (!ownOnly(cacheDir)) return undefined;
    fd = fs.openSync(cacheFile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !ownOnly(cacheFile, st)) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined; // none yet, or unreadable: compiled from source, and written at exit
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeCache(data) {
  try {
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    if (!ownOnly(cacheDir)) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, cacheFile);
    // Caches of earlier builds or Node releases are of no use any more.
    for (const name of fs.readdirSync(cacheDir)) {
      if (name.startsWith('kernel-') && name.endsWith('.cache') && name !== path.basename(cacheFile)) fs.rmSync(path.join(cacheDir, name), { force: true });
    }
  } catch (err) {
    process.stderr.write(`[goperf] could not write the code cache ${cacheFile}: ${err.message}\n`);
  }
}

const cachedData = readCache();
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: body, cachedData });
if (!cachedData || script.cachedDataRejected) {
  // At exit: the cache then holds the code compiled during the session too, not only the start's.
  process.once('exit', () => writeCache(script.createCachedData()));
}
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, createRequire(body), module_, body, __dirname);
