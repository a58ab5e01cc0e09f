import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// axe-core (Deque's accessibility engine, an npm package) run inside the page. Every main state of
// both apps is checked in light and dark colours, at desktop and phone width: 0 violations.

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
let axeSource: Promise<string> | undefined;

/** The looks each state is checked in. */
export const LOOKS = [
  { label: 'light', colorScheme: 'light', width: 1280, height: 800 },
  { label: 'dark', colorScheme: 'dark', width: 1280, height: 800 },
  { label: 'light phone', colorScheme: 'light', width: 390, height: 844 },
  { label: 'dark phone', colorScheme: 'dark', width: 390, height: 844 },
] as const;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

interface AxeApi {
  getRules(): Array<{ ruleId: string }>;
  run(
    context: Document,
    options: { rules: Record<string, { enabled: boolean }> },
  ): Promise<{
    violations: Array<{
      id: string;
      impact?: string | null;
      help: string;
      nodes: Array<{ target: unknown[]; failureSummary?: string }>;
    }>;
  }>;
}

/**
 * axe's violations on the page as it is now, with every rule axe has: its experimental ones too
 * (label-content-name-mismatch, which issue 12 found, is one of them).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(AXE_PATH, 'utf8');
  const source = await axeSource;
  // Evaluated through the DevTools protocol, which the apps' strict CSP does not apply to (a
  // <script> tag would be refused). Once per page load.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeApi }).axe;
    const everyRule = Object.fromEntries(axe.getRules().map((rule) => [rule.ruleId, { enabled: true }]));
    const result = await axe.run(document, { rules: everyRule });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String).join(' '),
        summary: node.failureSummary ?? '',
      })),
    }));
  });
}

/** One readable line per failing element, for the assertion message. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${where}: ${violation.id} (${violation.impact ?? 'n/a'}) ${violation.help} at ${node.target}: ${node.summary.replace(/\s+/g, ' ')}`,
    ),
  );
}

/**
 * Checks `page` in every look (light and dark, desktop and phone width); returns every violation
 * found, described, and leaves the page in its first look.
 */
export async function checkEveryLook(page: Page, state: string): Promise<string[]> {
  const found: string[] = [];
  for (const look of LOOKS) {
    await page.emulateMedia({ colorScheme: look.colorScheme });
    await page.setViewportSize({ width: look.width, height: look.height });
    found.push(...describeViolations(`${state} (${look.label})`, await axeViolations(page)));
  }
  const [first] = LOOKS;
  await page.emulateMedia({ colorScheme: first.colorScheme });
  await page.setViewportSize({ width: first.width, height: first.height });
  return found;
}
