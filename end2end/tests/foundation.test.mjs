// Issue #2 as a user's story: the first admin is created from the printed link, creates
// an assembly and an invitation; a new member accepts it, signs in, sees the member menu
// and gets the 403 page on an admin page; the login form also works without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, person, check } from './harness.mjs';

const PASSWORD = 'la mairie ouvre le samedi matin';
let server;
let browser;
const shared = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the first admin is created from the printed link and sets up an assembly', async () => {
  assert.ok(server.setupLink, `the server printed a setup link:\n${server.output()}`);
  const page = await person(browser);
  await page.goto(server.setupLink);
  await check(page, 'setup page');
  await page.getByLabel('Nom affiché').fill('Hélène Marchand');
  await page.getByLabel('Identifiant de connexion').fill('admin');
  await page.getByLabel('Mot de passe', { exact: true }).fill('court');
  await page.getByLabel('Confirmez le mot de passe').fill('court');
  await page.getByRole('button', { name: 'Créer le compte administrateur' }).click();
  await page.getByText('au moins 12 caractères', { exact: false }).first().waitFor();
  assert.equal(await page.getByLabel('Nom affiché').inputValue(), 'Hélène Marchand', 'typed input is kept');
  await check(page, 'setup page with errors');
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer le compte administrateur' }).click();
  await page.waitForURL(/\/admin$/);
  await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  await check(page, 'admin home');

  await page.getByRole('link', { name: 'Assemblées' }).click();
  await page.waitForURL(/\/admin\/assemblies$/);
  await check(page, 'assemblies admin');
  await page.getByLabel('Nom de l’assemblée').fill('Assemblée citoyenne de Val-de-Brise');
  await page.getByLabel('Commune').fill('Val-de-Brise');
  await page.getByLabel('Présentation').fill('Trente-cinq habitants tirés au sort pour améliorer l’accueil du public.');
  await page.getByRole('button', { name: 'Créer une assemblée' }).click();
  await page.waitForURL(/\/admin\/assemblies\/\d+$/);
  await page.getByRole('heading', { name: 'Assemblée citoyenne de Val-de-Brise', level: 1 }).waitFor();
  await check(page, 'assembly admin');

  await page.getByLabel('Rôle', { exact: true }).first().selectOption('member');
  await page.getByLabel('Nom de la personne invitée (facultatif)').fill('Awa Diallo');
  await page.getByRole('button', { name: 'Créer une invitation' }).click();
  const link = page.getByLabel('Lien à transmettre');
  await link.waitFor();
  shared.invitation = await link.inputValue();
  assert.match(shared.invitation, /\/invitation\/[A-Za-z0-9_-]{43}$/);
  await check(page, 'assembly admin with a new invitation');

  await page.goto(`${server.base}/admin/accounts`);
  await page.getByRole('heading', { name: 'Comptes', level: 1 }).waitFor();
  await check(page, 'accounts admin');
  await page.goto(`${server.base}/admin/audit`);
  await page.getByRole('cell', { name: 'invitation.create' }).waitFor();
  await check(page, 'audit log');
  await page.context().close();
});

test('a new member accepts the invitation, signs in and is kept out of admin pages', async () => {
  const page = await person(browser);
  await page.goto(shared.invitation);
  await check(page, 'invitation page');
  assert.equal(await page.getByLabel('Nom affiché').inputValue(), 'Awa Diallo', 'the invitee name is suggested');
  await page.getByLabel('Identifiant de connexion').fill('awa');
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.waitForURL(/\/assemblies\/\d+$/);
  await check(page, 'assembly page, signed in');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('link', { name: 'Se connecter' }).first().waitFor();
  await page.goto(`${server.base}/login`);
  await check(page, 'login page');
  await page.getByLabel('Identifiant').fill('awa');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('link', { name: 'Mon compte' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0, 'no admin entry in a member menu');
  await check(page, 'home, signed in as member');

  await page.getByRole('link', { name: 'Mon compte' }).click();
  await page.getByRole('heading', { name: 'Mes rôles' }).waitFor();
  await check(page, 'profile page');

  const response = await page.goto(`${server.base}/admin/accounts`);
  assert.equal(response.status(), 403);
  await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
  await check(page, '403 page');
  await page.context().close();
});

test('the login form works without JavaScript, with errors shown beside the form', async () => {
  const page = await person(browser, { javaScript: false });
  await page.goto(`${server.base}/login`);
  await check(page, 'login page without JavaScript');
  await page.getByLabel('Identifiant').fill('awa');
  await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Identifiant ou mot de passe incorrect.').waitFor();
  assert.equal(await page.getByLabel('Identifiant').inputValue(), 'awa', 'typed login kept without JavaScript');
  await check(page, 'login error without JavaScript');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('link', { name: 'Mon compte' }).waitFor();
  await check(page, 'home without JavaScript, signed in');
  await page.context().close();
});

test('an unknown page is a 404 page, in English when asked', async () => {
  const page = await person(browser, { locale: 'en-GB' });
  const response = await page.goto(`${server.base}/nowhere`);
  assert.equal(response.status(), 404);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  await check(page, '404 page');
  await page.getByRole('link', { name: 'Français' }).click();
  await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  await page.context().close();
});
