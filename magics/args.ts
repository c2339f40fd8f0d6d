// One option declaration per magic generates both its parser and its help text.
// Options take one dash or two (`-count 6`, `--count=6`), as Go and GNU tools both do.

export type OptionType = "flag" | "int" | "string" | "enum" | "duration";

export interface OptionSpec {
  name: string;
  type: OptionType;
  /** Shown in help as the value's placeholder, e.g. "N", "NAME". */
  value?: string;
  description: string;
  values?: readonly string[];
  default?: string | number | boolean;
  /** Returns an error message when the value is not acceptable. */
  check?: (value: string | number) => string | undefined;
}

export interface ArgSpec {
  name: string;
  description: string;
  variadic?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage?: string;
  options: readonly OptionSpec[];
  args?: readonly ArgSpec[];
  /** Extra paragraphs for %help NAME. */
  details?: string;
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

export interface Parsed {
  options: OptionValues;
  args: string[];
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: CommandSpec,
  ) {
    super(message);
  }

  /** The message, followed by what would be right. */
  get text(): string {
    return `${this.message}\n\n${usage(this.command)}`;
  }
}


export function parseArgs(spec: CommandSpec, words: string[]): Parsed {
  const options: OptionValues = {};
  for (const o of spec.options) if (o.default !== undefined) options[o.name] = o.default;
  const args: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(word);
    if (!m || word === "-" || /^-\d/.test(word)) {
      args.push(word);
      continue;
    }
    const option = spec.options.find((o) => o.name === m[1]);
    if (!option) throw new UsageError(`%${spec.name}: unknown option ${word}`, spec);
    if (option.type === "flag") {
      if (m[2] !== undefined && !["true", "false"].includes(m[2])) throw new UsageError(`%${spec.name}: ${word}: -${option.name} takes no value`, spec);
      options[option.name] = m[2] !== "false";
      continue;
    }
    let raw = m[2];
    if (raw === undefined) {
      if (i + 1 >= words.length) throw new UsageError(`%${spec.name}: -${option.name} needs a value (${option.value ?? option.type})`, spec);
      raw = words[++i];
    }
    options[option.name] = convert(spec, option, raw);
  }
  const declared = spec.args ?? [];
  if (declared.length === 0 && args.length > 0) throw new UsageError(`%${spec.name}: unexpected argument ${args[0]}`, spec);
  if (declared.length > 0 && !declared[declared.length - 1].variadic && args.length > declared.length) {
    throw new UsageError(`%${spec.name}: unexpected argument ${args[declared.length]}`, spec);
  }
  return { options, args };
}

const DURATION = /^(\d+x|(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+)$/;

function convert(spec: CommandSpec, option: OptionSpec, raw: string): string | number {
  const fail = (why: string): never => {
    throw new UsageError(`%${spec.name}: -${option.name} ${raw}: ${why}`, spec);
  };
  let value: string | number = raw;
  switch (option.type) {
    case "int":
      if (!/^-?\d+$/.test(raw)) fail("not a whole number");
      value = Number(raw);
      break;
    case "enum":
      if (!option.values!.includes(raw)) fail(`must be one of ${option.values!.join(", ")}`);
      break;
    case "duration":
      if (!DURATION.test(raw)) fail("not a duration (like 1s, 500ms) or an iteration count (like 1000x)");
      break;
  }
  const problem = option.check?.(value);
  if (problem) fail(problem);
  return value;
}

/** The help text, generated from the same declarations that parse. */
export function usage(spec: CommandSpec): string {
  const argsText = (spec.args ?? []).map((a) => (a.variadic ? `[${a.name}...]` : `[${a.name}]`)).join(" ");
  const lines = [`usage: %${spec.name}${spec.options.length ? " [options]" : ""}${argsText ? " " + argsText : ""}`, "", spec.summary];
  if (spec.usage) lines.push("", spec.usage);
  if (spec.args?.length) {
    lines.push("", "arguments:");
    for (const a of spec.args) lines.push(`  ${a.name.padEnd(22)} ${a.description}`);
  }
  if (spec.options.length) {
    lines.push("", "options:");
    for (const o of spec.options) {
      const head = `-${o.name}${o.type === "flag" ? "" : " " + (o.value ?? (o.values ? o.values.join("|") : "VALUE"))}`;
      const dflt = o.default !== undefined && o.type !== "flag" ? ` (default ${o.default})` : "";
      lines.push(`  ${head.padEnd(22)} ${o.description}${dflt}`);
    }
  }
  if (spec.details) lines.push("", spec.details);
  return lines.join("\n");
}

