// The table of magics. Adding a magic is adding a file and a line here.

import { asm } from "./asm.js";
import { bce } from "./bce.js";
import { bench } from "./bench.js";
import { escape } from "./escape.js";
import { expect, predict } from "./expect.js";
import { go } from "./go.js";
import { help, lsmagic } from "./help.js";
import { inline } from "./inline.js";
import { layout } from "./layout.js";
import { profile } from "./profile.js";
import { get } from "./get.js";
import { mod } from "./mod.js";
import { use } from "./use.js";
import type { Magic } from "./types.js";
import { list } from "./list.js";
import { remove } from "./remove.js";
import { reset } from "./reset.js";
import { args } from "./progargs.js";
import { env } from "./env.js";
import { test } from "./test.js";

export function builtinMagics(): Magic[] {
  return [escape, bench, expect, predict, go, help, lsmagic, asm, bce, inline, layout, profile, get, mod, use, list, remove, reset, args, env, test];
}

export class Registry {
  private readonly byName = new Map<string, Magic>();

  constructor(magics: Magic[]) {
    for (const m of magics) this.byName.set(m.name, m);
  }

  get(name: string): Magic | undefined {
    return this.byName.get(name);
  }

  all(): Magic[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
