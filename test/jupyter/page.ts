// Browser-side helpers of the JupyterLab and Notebook 7 tests: pages that keep their console, waits
// that fail with what the page showed instead (dialogs, prompts, console, server log), and running a
// notebook's cells once its kernel is really connected.

import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { artifactsDir, type JupyterServer } from "./helpers.js";

/**
 * Runs every cell through the menu bar (Run → Run All Cells), as a reader would, after clicking into
 * the notebook. A click on a disabled menu item does nothing, so the menu is reopened until the item
 * is enabled; then the run must visibly start (a `[*]` or a number in the first cell's prompt).
 */
export async function runAllCells(page: Page, server: JupyterServer): Promise<void> {
  await page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first().click();
  const item = page.locator(".lm-Menu-item", { has: page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }) }).first();
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).first().click();
    await item.waitFor({ timeout: 10_000 });
    if (!((await item.getAttribute("class")) ?? "").includes("lm-mod-disabled")) break;
    await page.keyboard.press("Escape");
    if (Date.now() > deadline) throw new Error(`"Run All Cells" stayed disabled for 60 s\n${await pageState(page, server)}`);
    await page.waitForTimeout(500);
  }
  await item.click();
  const started = page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first().filter({ hasText: /\[(\*|\d+)\]/ });
  await shown(started, 30_000, "the first cell's prompt showing [*] or its count after Run All Cells", page, server);
}

/** Waits for a locator; a timeout fails with what the page showed instead. */
export async function shown(locator: Locator, ms: number, what: string, page: Page, server: JupyterServer): Promise<void> {
  try {
    await locator.waitFor({ timeout: ms });
  } catch (e) {
    await page.screenshot({ path: join(artifactsDir(), "jupyter-timeout.png") }).catch(() => undefined);
    throw new Error(`waited ${ms / 1000} s for ${what}: ${(e as Error).message.split("\n")[0]}\n${await pageState(page, server)}`);
  }
}

/** Waits (at most 60 s) until the server has a session for the notebook whose kernel is idle with a client connected. */
export async function kernelConnected(server: JupyterServer, notebook: string, page: Page): Promise<void> {
  type Session = { path: string; kernel?: { execution_state?: string; connections?: number } };
  let last: Session[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const r = await fetch(`${server.url}api/sessions`, { headers: { Authorization: `token ${server.token}` }, signal: AbortSignal.timeout(5000) });
    last = (await r.json()) as Session[];
    const kernel = last.find((s) => s.path === notebook)?.kernel;
    if (kernel?.execution_state === "idle" && (kernel.connections ?? 0) > 0) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`no idle kernel with a connected client for ${notebook} within 60 s: /api/sessions says ${JSON.stringify(last)}\n${await pageState(page, server)}`);
}

/** The browser console of each page, for pageState. */
const consoles = new WeakMap<Page, string[]>();

export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const lines: string[] = [];
  consoles.set(page, lines);
  page.on("console", (m) => lines.push(`${m.type()}: ${m.text().slice(0, 400)}`));
  page.on("pageerror", (e) => lines.push(`pageerror: ${e.message.slice(0, 400)}`));
  return page;
}

/** What the page shows (dialogs, kernel status, cell prompts and outputs) and the server's log tail. */
export async function pageState(page: Page, server: JupyterServer): Promise<string> {
  const texts = async (selector: string) => (await page.locator(selector).allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\s+/g, " ").trim().slice(0, 300));
  const cells = await page
    .locator(".jp-Notebook .jp-Cell")
    .evaluateAll((els) => els.map((el) => `${el.querySelector(".jp-InputPrompt")?.textContent ?? ""} ${(el.querySelector(".jp-OutputArea")?.textContent ?? "").replace(/\s+/g, " ").slice(0, 200)}`))
    .catch(() => [] as string[]);
  return [
    `dialogs: ${JSON.stringify(await texts(".jp-Dialog"))}`,
    `notifications: ${JSON.stringify(await texts(".jp-Notification-Toast, .Toastify__toast"))}`,
    `status bar: ${JSON.stringify(await texts(".jp-StatusBar-Widget"))}`,
    `kernel indicator: ${JSON.stringify(await page.locator(".jp-Notebook-ExecutionIndicator").first().getAttribute("data-status").catch(() => null))}`,
    "cells:",
    ...cells.map((c, i) => `  ${i + 1}: ${c}`),
    "browser console (tail):",
    ...(consoles.get(page) ?? []).slice(-30).map((l) => `  ${l}`),
    "server log (tail):",
    server.log().slice(-4000),
  ].join("\n");
}
