// Rows for %asm and %layout (issue 16), measured side by side with the raw toolchain as the other
// rows are: %asm's round trip against `go build -gcflags=-S` of the same package (target ≤ 0.5x),
// and %layout of a cell with ten structs (target under 100 ms) against `go build` of those structs.

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelClient } from "../kernel/client/client.js";
import { compareRow, go, rawModule, time, type Row } from "./measure.js";

function ok(x: Awaited<ReturnType<KernelClient["execute"]>>): void {
  if (x.reply.content.status !== "ok") throw new Error(`cell failed: ${JSON.stringify(x.reply.content)}`);
}

export async function asmCell(k: KernelClient, rounds: number): Promise<Row> {
  const dir = rawModule();
  const kernel: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < rounds + 1; i++) {
    // New code each round: both sides compile again.
    const code = `func Sum${i}(s []int) int {\n\tt := ${i}\n\tfor _, v := range s {\n\t\tt += v * ${i + 1}\n\t}\n\treturn t\n}`;
    writeFileSync(join(dir, "main.go"), `package main\n\n${code}\n\nfunc main() {}\n`);
    const r = await time(async () => go(dir, "build", "-gcflags=-S", "-o", join(dir, "bin"), "."));
    let x: Awaited<ReturnType<KernelClient["execute"]>> | undefined;
    const c = await time(async () => void (x = await k.execute(`%asm --func Sum${i}\n${code}`)));
    ok(x!);
    if (i > 0) (raw.push(r), kernel.push(c));
  }
  rmSync(dir, { recursive: true, force: true });
  return compareRow("%asm round trip", kernel, "`go build -gcflags=-S`", raw, "≤ 0.5x");
}

export async function layoutCell(k: KernelClient, rounds: number): Promise<Row> {
  const dir = rawModule();
  const kernel: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < rounds + 1; i++) {
    const names = Array.from({ length: 10 }, (_, j) => `S${i}x${j}`);
    const code = names.map((n, j) => `type ${n} struct {\n\tA bool\n\tB int64\n\tC [${j + 1}]byte\n\tD string\n\tE *int\n\tF uint16\n}`).join("\n\n");
    writeFileSync(join(dir, "main.go"), `package main\n\n${code}\n\nfunc main() {}\n`);
    const r = await time(async () => go(dir, "build", "-o", join(dir, "bin"), "."));
    let x: Awaited<ReturnType<KernelClient["execute"]>> | undefined;
    const c = await time(async () => void (x = await k.execute(`%layout ${names.join(" ")}\n${code}`)));
    ok(x!);
    if (i > 0) (raw.push(r), kernel.push(c));
  }
  rmSync(dir, { recursive: true, force: true });
  return compareRow("%layout of ten structs", kernel, "`go build` of the same structs", raw, "< 100 ms");
}
