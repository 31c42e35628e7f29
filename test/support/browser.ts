import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium, which `scripts/ensure-chromium.sh` installs (`npm test` runs it first). */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const ARTIFACTS = join(__dirname, '../../test-artifacts');

/** A dock tablet in landscape. */
const TABLET = { width: 1180, height: 820 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium's sandbox refuses to start as root, which CI containers often are.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

export interface TabletPage {
  page: Page;
  /** Uncaught exceptions and console errors (a CSP refusal shows up here), in order. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context (its own sessionStorage) with a tablet's viewport and touch screen. */
export async function openTablet(browser: Browser): Promise<TabletPage> {
  const context = await browser.newContext({ viewport: TABLET, hasTouch: true });
  const page = await context.newPage();
  // Generous: the app under test shares the machine with the database and the broker.
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { page, errors, close: () => context.close() };
}

/**
 * Presses Tab until the element matching `selector` has focus, proving a keyboard reaches it;
 * fails when it is not reached within `maxPresses`.
 */
export async function tabTo(page: Page, selector: string, maxPresses = 40): Promise<void> {
  const focused = page.locator(`${selector}:focus`);
  for (let presses = 0; presses <= maxPresses; presses++) {
    if ((await focused.count()) === 1) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${maxPresses} presses of Tab`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
