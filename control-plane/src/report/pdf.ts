import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
export function launchChromium(executablePath = process.env.VIGIL_CHROMIUM ?? CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Prints a self-contained HTML document to an A4 PDF with headless Chromium. The page gets no network: every
 * request is aborted, so a report can never fetch anything even if escaping failed somewhere.
 */
export async function printPdf(
  html: string,
  executablePath = process.env.VIGIL_CHROMIUM ?? CHROMIUM_PATH,
): Promise<Buffer> {
  const browser = await launchChromium(executablePath);
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="font:8px Helvetica,Arial,sans-serif;color:#777;width:100%;text-align:center">Vigil report · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
    });
  } finally {
    await browser.close();
  }
}
