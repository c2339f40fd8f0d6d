// The file side of notebooks: reading one with clear errors, checking an output path can be
// written before any work starts, and writing atomically (a crash never leaves half a file).

import { access, constants, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parseNotebook, type Notebook } from "./nbformat.js";

/** Input the user must fix (a path that cannot be written, a missing file); nothing was written. */
export class InputError extends Error {
  override name = "InputError";
}

/** Reads and validates a notebook file; every problem is a NotebookError or an InputError. */
export async function readNotebookFile(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${path}: no such file` : code === "EISDIR" ? `${path} is a directory, not a notebook` : `${path}: ${(err as Error).message}`);
  }
  return parseNotebook(text, path);
}

/** Throws InputError unless `path` can be created or overwritten as a file. */
export async function checkWritable(path: string, what = "output"): Promise<void> {
  const full = resolve(path);
  const existing = await stat(full).catch(() => null);
  if (existing) {
    if (existing.isDirectory()) throw new InputError(`cannot write the ${what} ${path}: it is a directory`);
    await access(full, constants.W_OK).catch(() => {
      throw new InputError(`cannot write the ${what} ${path}: permission denied`);
    });
    return;
  }
  await checkDirWritable(dirname(full), `cannot write the ${what} ${path}`);
}

/** Throws InputError (prefixed with `context`) unless `dir` is an existing, writable directory. */
export async function checkDirWritable(dir: string, context: string): Promise<void> {
  const found = await stat(dir).catch(() => null);
  if (!found) throw new InputError(`${context}: the directory ${dir} does not exist`);
  if (!found.isDirectory()) throw new InputError(`${context}: ${dir} is not a directory`);
  await access(dir, constants.W_OK | constants.X_OK).catch(() => {
    throw new InputError(`${context}: the directory ${dir} is not writable`);
  });
}

/** Writes through a temporary file in the same directory and renames it over the target. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = resolve(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text, "utf8");
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new InputError(`cannot write ${path}: ${(err as Error).message}`);
  }
}
