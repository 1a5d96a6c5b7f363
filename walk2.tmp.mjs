import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:3999';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync'] });
const shot = async (p, name) => { await p.waitForTimeout(1500); await p.screenshot({ path: `/tmp/walk-${name}.png`, fullPage: true }); };
const ctx = await b.newContext({ viewport: { width: 1280, height: 900 } });
const p = await ctx.newPage();
await p.goto(`${base}/login`);
await p.getByLabel(/Nama pengguna/).fill('pustakawan.bunghatta');
await p.getByLabel(/Kata sandi/).fill('simpul-demo-2026');
await p.getByRole('button', { name: /^Masuk$/ }).click();
await p.waitForTimeout(2000);
await shot(p, 'home');
const links = await p.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
console.log(JSON.stringify([...new Set(links)]));
for (const path of process.argv.slice(2)) { await p.goto(base + path); await shot(p, path.replace(/\W+/g, '_')); }
await b.close();
