// Every page, every time (issue #6): each of the demo's routes, for every role and in both
// languages, opened several at once as real phones would. Each must come styled (the
// stylesheet applied, so the page policy let it in), hydrate, keep the language the server
// rendered (its `lang` and its title) and pass axe-core. Then the language cookie: a stray
// per-folder copy left by an earlier version is cleared, and the choice holds everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, person, check } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const ROUTES = {
  public: [
    '/', '/login', '/assemblies/1', '/assemblies/1?q=d%C3%A9lai', '/assemblies/1/outcomes?status=late',
    '/assemblies/1/sittings', '/objectives/1', '/objectives/1/history', '/sittings/1', '/sittings/2/screen',
    '/rounds/1', '/rounds/3', '/commitments/1', '/open-data', '/notifications',
  ],
  awa: ['/profile', '/notifications', '/assemblies/1/objectives/new', '/sittings/2'],
  animation: ['/assemblies/1/moderation', '/sittings/2'],
  accueil: ['/assemblies/1/outcomes', '/commitments/2'],
  admin: ['/admin', '/admin/assemblies/1', '/admin/accounts', '/admin/audit'],
};

async function signIn(page, login) {
  const r = await page.request.post(`${server.base}/api/login`, {
    form: { login, password: 'demo-val-de-brise-2026' },
    headers: { Accept: 'application/json', Origin: server.base },
  });
  assert.equal(r.status(), 200, `sign-in as ${login}`);
}

/// Opens `path` and checks what a person sees: styled, hydrated, in `lang`, accessible.
async function visit(page, path, lang) {
  await page.goto(`${server.base}${path}`);
  await check(page, `${path} in ${lang}`);
  const seen = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    // The skip link is moved off screen by the stylesheet: only a styled page hides it.
    styled: getComputedStyle(document.querySelector('.skip-link')).position === 'absolute',
    h1: document.querySelectorAll('h1').length,
  }));
  assert.equal(seen.lang, lang, `${path}: the hydrated page keeps the server's language`);
  assert.ok(seen.styled, `${path}: the stylesheet applies`);
  assert.equal(seen.h1, 1, `${path}: one h1`);
  return seen.title;
}

for (const [who, paths] of Object.entries(ROUTES)) {
  test(`${who}: every page comes styled, hydrates and keeps its language`, async () => {
    // Two phones at once, one in French and one in English, each going through the list
    // from another end, so pages are rendered and hydrated side by side.
    const phones = [];
    for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
      const page = await person(browser, { locale });
      if (who !== 'public') await signIn(page, who);
      phones.push([page, lang]);
    }
    await Promise.all(phones.map(async ([page, lang], i) => {
      for (const path of i === 0 ? paths : [...paths].reverse()) await visit(page, path, lang);
    }));
    for (const [page] of phones) await page.context().close();
  });
}

test('the language choice is one cookie for the whole site', async () => {
  const page = await person(browser);
  // What earlier versions left: a French copy of the cookie in a folder.
  await page.context().addCookies([
    { name: 'i18n_pref_locale', value: 'fr', url: `${server.base}/objectives/1/history` },
  ]);
  await page.goto(`${server.base}/objectives/1/history`);
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/\/objectives\/1\/history$/);
  await check(page, 'history after choosing English');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(await page.title(), /history/i, 'the title is in English too, after hydration');
  const copies = (await page.context().cookies()).filter((c) => c.name === 'i18n_pref_locale');
  assert.deepEqual(copies.map((c) => [c.path, c.value]), [['/', 'en']], 'one cookie, for the whole site');
  // And it holds on another folder's page.
  await page.goto(`${server.base}/sittings/1`);
  await check(page, 'a sitting after choosing English');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.context().close();
});
