// The demo as a newcomer explores it: every public page of its sittings and votes (each
// method's results, the upcoming sitting, the room display), then a member's view of the
// upcoming sitting. Each page goes through `check` (axe-core, 360 px overflow, browser
// errors): results pages hold the widest content (merit profiles, ballot lists).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, person, check, until } from './harness.mjs';

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

test('a visitor reads the past sitting and the results of each kind of vote', async () => {
  const page = await person(browser);
  await page.goto(`${server.base}/`);
  await page.getByText('Prochaine séance :').first().waitFor();
  await check(page, 'home page with the next sitting');
  await page.getByRole('link', { name: 'Assemblée citoyenne de Val-de-Brise' }).first().click();
  await page.getByRole('link', { name: 'Séances et votes' }).click();
  await page.getByRole('heading', { name: 'Séances passées' }).waitFor();
  await check(page, 'sittings of the demo assembly');
  await page.getByRole('link', { name: /Séance n°2/ }).click();
  await page.getByRole('heading', { name: /Séance n°2/, level: 1 }).waitFor();
  await check(page, 'the past sitting');
  const rounds = await page.locator('a[href^="/rounds/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.equal(rounds.length, 4, 'four closed votes');
  const seen = new Set();
  for (const href of rounds) {
    await page.goto(`${server.base}${href}`);
    await page.getByRole('heading', { name: 'Résultats' }).waitFor();
    const method = (await page.locator('h1').innerText()).replace(/ (Clos|Ouvert) .*$/, '');
    seen.add(method);
    assert.ok(await page.locator('svg[role="img"]').count() >= 1, `a chart on ${href}`);
    assert.ok(await page.locator('table.ballots tbody tr').count() >= 7, `the ballot list on ${href}`);
    await check(page, `results of ${method} (${href})`);
  }
  assert.deepEqual([...seen].sort(), ['Jugement majoritaire', 'Oui / non / abstention', 'Vote par approbation']);
  // The majority judgment explains its tie-break in words.
  await page.goto(`${server.base}${rounds[2]}`);
  await page.getByRole('heading', { name: 'Départage des égalités' }).waitFor();
  assert.match(await page.locator('h3:has-text("Départage des égalités") + ul').innerText(), /passe devant/);
  await page.context().close();
});

test('a member opens the upcoming sitting, gives a proxy, and the room display shows it', async () => {
  const page = await person(browser);
  const r = await page.request.post(`${server.base}/api/login`, {
    form: { login: 'chloe', password: 'demo-val-de-brise-2026' },
    headers: { Accept: 'application/json', Origin: server.base },
  });
  assert.equal(r.status(), 200);
  await page.goto(`${server.base}/`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByRole('link', { name: /Séance n°3/ }).first().click();
  await page.getByRole('heading', { name: /Séance n°3/, level: 1 }).waitFor();
  await check(page, 'the upcoming sitting (member)');
  await page.getByLabel('Donner ma procuration à').selectOption({ label: 'Awa Diallo' });
  await page.getByRole('button', { name: 'Donner ma procuration' }).click();
  await page.getByText('Vous avez donné votre procuration à Awa Diallo').waitFor();
  await check(page, 'the upcoming sitting after giving a proxy');
  const ics = await page.request.get(`${server.base}${await page.getByRole('link', { name: /Ajouter à mon agenda/ }).getAttribute('href')}`);
  assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*SUMMARY:Séance n°3/);
  await page.getByRole('link', { name: 'Affichage pour la salle' }).click();
  await page.locator('.screen').waitFor();
  await check(page, 'room display before the sitting');
  await page.context().close();
});

test('a visitor reads the outcomes: every commitment, its chart and its history', async () => {
  const page = await person(browser);
  await page.goto(`${server.base}/`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByRole('link', { name: 'Assemblée citoyenne de Val-de-Brise' }).first().click();
  await page.getByRole('link', { name: 'Engagements et suivi' }).click();
  await page.getByRole('heading', { name: 'Ce que nous avons décidé, où nous en sommes', level: 1 }).waitFor();
  await check(page, 'the demo outcomes');
  const badges = await page.locator('.outcomes .card-title .badge').allInnerTexts();
  assert.deepEqual([...new Set(badges)].sort(), ['Abandonné', 'En cours', 'En retard', 'Prévu', 'Réalisé']);
  // Filtering by status keeps the late one only.
  await page.getByLabel('Statut').selectOption({ label: 'En retard' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/status=late/);
  await until(() => page.locator('.outcomes .card').count(), (n) => n === 1, 'one late commitment');
  await check(page, 'the demo outcomes, late only');
  await page.goto(`${server.base}${new URL(page.url()).pathname}`);
  const links = await page.locator('.outcomes .card-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.equal(links.length, 5);
  for (const href of links) {
    await page.goto(`${server.base}${href}`);
    await page.getByRole('heading', { name: 'Historique' }).waitFor();
    await check(page, `commitment ${href}`);
  }
  await page.context().close();
});

test('a visitor finds the open data page, its files and columns', async () => {
  const page = await person(browser);
  await page.goto(`${server.base}/`);
  // Clicked once the page runs, as a person would after it appears.
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByRole('link', { name: 'Données ouvertes : téléchargements et flux' }).click();
  await page.waitForURL(/\/open-data$/);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await check(page, 'the open data page');
  const csv = await page.locator('a[href$="/commitments.csv"]').first().getAttribute('href');
  const r = await page.request.get(`${server.base}${csv}`);
  assert.equal(r.status(), 200);
  assert.match(r.headers()['content-type'], /^text\/csv/);
  assert.match(await r.text(), /^id,objective_id,/, 'the documented header first');
  const json = await page.request.get(`${server.base}${csv.replace(/\.csv$/, '.json')}`);
  assert.equal((await json.json()).length, 5, 'the five demo commitments');
  await page.context().close();
});
