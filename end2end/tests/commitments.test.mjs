// Outcomes as a story: an objective adopted by a vote (set up through the API), staff
// publish it as a commitment, add a milestone, an indicator and measurements; a visitor
// sees the progress bar and the chart and follows the links back to the vote; the member
// who supported it finds a notification. Every page goes through `check` (axe-core,
// 360 px overflow, browser errors).
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, check, storyStep, quickPerson, until } from './harness.mjs';

const PASSWORD = 'la mairie ouvre le samedi matin';
const TITLE = 'Décrocher en moins de trois sonneries';

let server;
let browser;
const s = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const test = storyStep(s, nodeTest);
const who = (options) => quickPerson(browser, options);

/// Calls a server function from `page`'s context (its cookies), as the app does.
async function call(page, fn, form) {
  const r = await page.request.post(`${server.base}/api/${fn}`, {
    form,
    headers: { Accept: 'application/json', Origin: server.base },
  });
  const text = await r.text();
  assert.ok(r.status() < 400, `${fn}: HTTP ${r.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

/// Opens the `<details>` (in a page or a part of one) whose summary reads `label`.
async function openDetails(scope, label) {
  const details = scope.locator('details').filter({ hasText: label }).first();
  await details.locator('summary').first().click();
  await until(() => details.evaluate((d) => d.open), (open) => open, `the “${label}” form opens`);
  return details;
}

test('setup: an objective proposed, supported and adopted by a vote', async () => {
  const admin = await who();
  const token = server.setupLink.split('/').pop();
  await call(admin, 'create_first_admin', {
    token, display_name: 'Hélène Marchand', login: 'admin', email: '', password: PASSWORD, password_confirm: PASSWORD,
  });
  s.assembly = await call(admin, 'create_assembly', {
    name: 'Assemblée citoyenne de Val-de-Brise', town: 'Val-de-Brise', description: 'Accueil du public',
  });
  const join = async (role, name, login) => {
    const inv = await call(admin, 'create_invitation', { assembly_id: String(s.assembly), role, invitee_name: '', valid_days: '' });
    const page = await who();
    await call(page, 'accept_invitation', {
      token: inv.link.split('/').pop(), display_name: name, login, email: '', password: PASSWORD, password_confirm: PASSWORD,
    });
    return page;
  };
  s.fac = await join('facilitator', 'Fatou Sall', 'fatou');
  s.awa = await join('member', 'Awa Diallo', 'awa');
  s.bastien = await join('member', 'Bastien Roux', 'bastien');
  s.staff = await join('staff', 'Sophie Lefèvre', 'sophie');
  s.objective = await call(s.awa, 'create_objective', {
    assembly_id: String(s.assembly), title: TITLE, body: 'Trop d’appels restent sans réponse.', channel: 'phone', target: '', intent: 'publish',
  });
  await call(s.bastien, 'support_objective', { objective_id: String(s.objective), support: 'true' });
  const sitting = await call(s.fac, 'plan_sitting', {
    assembly_id: String(s.assembly), title: 'Séance de décision', date: '2027-01-14', start: '18:30', end: '20:30', place: 'Mairie', online_url: '',
  });
  await call(s.fac, 'run_sitting', { sitting_id: String(sitting), step: 'add', objective_id: String(s.objective) });
  s.round = await call(s.fac, 'open_round', {
    sitting_id: String(sitting), method: 'yes_no', 'objectives[0]': String(s.objective), quorum_base: 'none',
  });
  for (const m of [s.awa, s.bastien]) {
    await call(m, 'cast_ballot', { round_id: String(s.round), [`choices[${s.objective}]`]: 'yes' });
  }
  await call(s.fac, 'close_round', { round_id: String(s.round) });
});

test('staff publish the adopted objective as a commitment', async () => {
  const page = s.staff;
  await page.goto(`${server.base}/assemblies/${s.assembly}/outcomes`);
  await page.getByRole('heading', { name: 'Ce que nous avons décidé, où nous en sommes', level: 1 }).waitFor();
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await check(page, 'outcomes page before any commitment (staff)');
  const form = await openDetails(page, 'Publier un engagement');
  await form.getByLabel('Objectif adopté').selectOption({ label: TITLE });
  await form.getByLabel('Service responsable').fill('Accueil et citoyenneté');
  await form.getByLabel('Contact (fonction)').fill('responsable de l’accueil');
  await form.getByLabel('Date cible').fill('2099-06-30');
  // A summary too short comes back with its message; what was typed stays.
  await form.getByLabel('Résumé public').fill('Court');
  await form.getByRole('button', { name: 'Publier l’engagement' }).click();
  await form.getByText('C’est trop court.').waitFor();
  assert.equal(await form.getByLabel('Service responsable').inputValue(), 'Accueil et citoyenneté');
  await form.getByLabel('Résumé public').fill('Décrocher en moins de **trois sonneries** aux heures d’ouverture.');
  await form.getByRole('button', { name: 'Publier l’engagement' }).click();
  await page.waitForURL(/\/commitments\/\d+$/);
  s.commitment = Number(page.url().match(/\/commitments\/(\d+)$/)[1]);
  await page.getByRole('heading', { name: new RegExp(TITLE), level: 1 }).waitFor();
  await check(page, 'new commitment (staff)');
});

test('staff add a milestone, an indicator and two measurements', async () => {
  const page = s.staff;
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  let form = await openDetails(page, 'Ajouter une étape');
  await form.getByLabel('Étape').fill('Former les agents du standard');
  await form.getByLabel('Échéance').fill('2099-01-31');
  await form.getByRole('button', { name: 'Ajouter' }).click();
  const milestones = page.getByRole('region', { name: 'Étapes' });
  await milestones.getByText('Former les agents du standard').waitFor();
  form = await openDetails(page, 'Ajouter une étape');
  await form.getByLabel('Étape').fill('Installer le nouveau standard');
  await form.getByLabel('Échéance').fill('2099-03-31');
  await form.getByRole('button', { name: 'Ajouter' }).click();
  await milestones.getByText('Installer le nouveau standard').waitFor();
  await milestones.getByRole('button', { name: 'Marquer comme réalisée : Former les agents du standard' }).click();
  await page.getByText('Étapes réalisées : 1 sur 2 (50 %)').first().waitFor();

  form = await openDetails(page, 'Ajouter un indicateur');
  await form.getByLabel('Nom de l’indicateur').fill('Part des appels décrochés');
  await form.getByLabel('Unité').fill('%');
  await form.getByLabel('Valeur de départ').fill('62');
  await form.getByLabel('Valeur cible').fill('90');
  await form.getByRole('button', { name: 'Ajouter' }).click();
  const indicator = page.getByRole('article', { name: 'Part des appels décrochés' });
  await indicator.waitFor();
  for (const [date, value] of [['2026-09-01', '62'], ['2026-10-01', '70,5']]) {
    form = await openDetails(indicator, 'Ajouter une mesure');
    await form.getByLabel('Date').fill(date);
    await form.getByLabel('Valeur', { exact: true }).fill(value);
    await form.getByLabel('Source').fill('Statistiques du standard');
    await form.getByRole('button', { name: 'Ajouter' }).click();
    await indicator.locator('table').getByText(`${value} %`).waitFor();
  }
  await indicator.locator('svg[role="img"]').waitFor();
  await check(page, 'commitment with a milestone and an indicator (staff)');
});

test('a visitor sees the progress bar and the chart, and follows the links back to the vote', async () => {
  const page = await who();
  await page.goto(`${server.base}/assemblies/${s.assembly}/outcomes`);
  const card = page.locator('.card').filter({ hasText: TITLE });
  await card.locator('progress').waitFor();
  assert.match(await card.innerText(), /Étapes réalisées : 1 sur 2/);
  await check(page, 'outcomes page (visitor)');
  await card.getByRole('link', { name: TITLE }).click();
  await page.waitForURL(/\/commitments\/\d+$/);
  const chart = page.locator('svg[role="img"]').first();
  await chart.waitFor();
  assert.match(await chart.getAttribute('aria-label'), /Part des appels décrochés/);
  assert.equal(await page.getByRole('region', { name: 'Suivi par les services' }).count(), 0, 'no staff forms for a visitor');
  await check(page, 'commitment page (visitor)');
  await page.getByRole('link', { name: 'le vote qui l’a adopté' }).click();
  await page.waitForURL(/\/rounds\/\d+/);
  await page.getByText('Adopté').first().waitFor();
  await check(page, 'the vote that adopted it (visitor)');
  await page.goBack();
  await page.getByRole('link', { name: 'la proposition' }).click();
  await page.waitForURL(/\/objectives\/\d+$/);
  await page.getByRole('link', { name: 'Engagement de la mairie : suivre sa réalisation' }).waitFor();
  await check(page, 'the objective, linking to its commitment (visitor)');
  await page.context().close();
});

test('the member who supported it sees a notification', async () => {
  const page = s.bastien;
  await page.goto(`${server.base}/`);
  const link = page.getByRole('link', { name: /Notifications/ });
  await link.waitFor();
  assert.match(await link.innerText(), /Notifications\s+1/);
  await link.click();
  await page.waitForURL(/\/notifications$/);
  await page.getByText('devient un engagement de la mairie').waitFor();
  await check(page, 'notifications (supporter)');
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
  await page.getByText('Non lues : 0').waitFor();
  await until(() => page.getByRole('link', { name: /Notifications/ }).innerText(), (t) => !/\d/.test(t), 'the menu count goes away');
});
