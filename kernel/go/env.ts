// The environment the session's go commands run with, from the kernel's own: one definition, used
// by the session and by the toolchain detection the kernel starts before anything else. The user's
// GOFLAGS are kept (goflags.ts).

import { sessionGoFlags } from "./goflags.js";

export function goEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, GOTOOLCHAIN: "local", GOWORK: "off", GOFLAGS: sessionGoFlags(base.GOFLAGS) };
}
