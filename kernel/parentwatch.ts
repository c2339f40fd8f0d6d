// The kernel ends when the Jupyter server that started it is gone, as ipykernel does (its
// ParentPollerUnix). jupyter_client puts the server's pid in JPY_PARENT_PID, and a server that
// stops without shutting its kernels down relies on this: Jupyter Server under JupyterHub, stopped
// with SIGINT and no terminal, logs "Interrupted..." and exits with its kernels still running
// ("The kernels will shutdown themselves when this process no longer exists", cleanup_kernels).
// Without it each stopped hub server left a goperf kernel, its watchdog and its helpers behind.

import { statOf } from "./go/processes.js";

/** The pid to watch: JPY_PARENT_PID when it is a pid other than init's, else none. Pure. */
export function parentToWatch(env: NodeJS.ProcessEnv): number | null {
  const pid = Number(env.JPY_PARENT_PID);
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

/**
 * Whether the parent is gone, given the current parent pid: ipykernel's rule. A kernel started by
 * `parent` itself is orphaned when its parent pid changes (re-parented to init or a subreaper);
 * one started through a wrapper (its parent was never `parent`) only when it is re-parented to init.
 */
export function parentGone(parent: number, originalPpid: number, currentPpid: number): boolean {
  return originalPpid === parent ? currentPpid !== parent : currentPpid === 1;
}

/** The current parent pid: process.ppid is read once at start-up, /proc/PID/stat is live. */
function currentPpid(): number | null {
  return statOf(process.pid)?.ppid ?? null;
}

/** Whether `pid` exists, where /proc is not there to say who our parent is (macOS). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Calls `onGone` once, within about `everyMs`, after the process named by JPY_PARENT_PID is gone.
 * The timer does not keep the kernel alive. Returns a function that stops watching.
 */
export function watchParent(onGone: () => void, env: NodeJS.ProcessEnv = process.env, everyMs = 1000): () => void {
  const parent = parentToWatch(env);
  if (parent === null) return () => undefined;
  const original = currentPpid() ?? process.ppid;
  const timer = setInterval(() => {
    const now = currentPpid();
    if (now === null ? !alive(parent) : parentGone(parent, original, now)) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
