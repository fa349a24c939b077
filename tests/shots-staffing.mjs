// Scratch: screenshots of the staffing page against a running demo (not part of the suite).
import fs from 'node:fs';
import { chromium } from 'playwright-core';
const [url, dir, out] = process.argv.slice(2);
const logins = JSON.parse(fs.readFileSync(`${dir}/logins.json`, 'utf8'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [w, h, who] of [[1920, 1080, 'director'], [1366, 768, 'director'], [390, 844, 'director'], [1366, 768, 'head']]) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${url}/`);
  await page.fill('input[name=username]', logins[who].username);
  await page.fill('input[name=password]', logins[who].password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.app-header', { timeout: 60_000 });
  await page.goto(`${url}/staffing`);
  await page.waitForSelector('[data-staffing]', { timeout: 90_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/staffing-${who}-${w}.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  console.log(w, who, 'overflow', overflow, 'errors', errors);
  await page.close();
}
await browser.close();
