// Objectives, discussion and moderation as a user's story: members propose objectives
// (with and without JavaScript), support and discuss them; three reports hide a comment
// until a facilitator reviews it; a visitor without an account sees the outcome. Every
// page visited goes through `check` (axe-core, 360 px overflow, browser errors).
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, person, check, storyStep, quickPerson, until } from './harness.mjs';

const PASSWORD = 'la mairie ouvre le samedi matin';
const A_TITLE = 'Élargir les horaires d’ouverture du guichet';
const A_BODY = 'Le guichet ferme à **seize heures** en semaine : impossible d’y passer après le travail.';
const A_TARGET = 'Ouvrir jusqu’à 19 heures le jeudi';
const B_TITLE = 'Rappeler chaque habitant sous 48 heures';
const B_BODY = 'Les messages laissés au standard restent *sans réponse* pendant des jours.';
const B_COMMENT = 'Je suis contre : appelez plutôt M. Dupont au 06 12 34 56 78, il connaît le dossier.';
const C_REPLY = 'Pour ma part je soutiens l’idée, le jeudi soir serait parfait.';
const PENDING = 'Masqué après plusieurs signalements, en attente d’examen par l’équipe d’animation.';
const HIDDEN = 'Masqué par la modération : données personnelles';

let server;
let browser;
const s = {}; // state shared by the steps of the story, in order

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

/// A comment's own `<article>` (its replies sit outside it), found by its text.
function commentArticle(page, text) {
  return page.getByRole('article').filter({ hasText: text });
}

/// Opens the `<details>` whose summary reads `label` inside `scope`, and returns it.
async function openDetails(scope, label) {
  const summary = scope.page().locator('summary', { hasText: new RegExp(`^\\s*${label}\\s*$`) });
  const details = scope.locator('details').filter({ has: summary });
  await details.locator('summary').click();
  await until(() => details.evaluate((d) => d.open), (open) => open, `the “${label}” form opens`);
  return details;
}

/// Accepts an invitation in a fresh JavaScript context, which signs the person in. (The
/// invitation page itself is checked by foundation.test.mjs; the time saved here keeps the
/// whole story within the test timeout.)
async function accept(link, login) {
  const page = await who();
  await page.goto(link);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByLabel('Identifiant de connexion').fill(login);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.waitForURL(/\/assemblies\/\d+$/);
  return page;
}

/// Opens an objective page and waits for its title.
async function openObjective(page, id, title, what) {
  await page.goto(`${server.base}/objectives/${id}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await check(page, what);
}

/// Reports a comment from its "Signaler" form and waits for the server's answer.
async function reportComment(page, text, reason, name, { checkForm = false } = {}) {
  const form = await openDetails(commentArticle(page, text), 'Signaler');
  await form.getByLabel('Motif').selectOption({ label: reason });
  if (checkForm) await check(page, 'objective page with the report form open');
  const answer = page.waitForResponse((r) => r.url().includes('/api/report_content'));
  await form.getByRole('button', { name: 'Envoyer le signalement' }).click();
  const response = await answer;
  assert.ok(response.ok(), `${name}’s report is accepted (HTTP ${response.status()})`);
  await form.getByRole('status').getByText('Merci : votre signalement est transmis à l’équipe d’animation.').waitFor();
}

test('setup: an admin creates an assembly and invites a facilitator and four members', async () => {
  assert.ok(server.setupLink, `the server printed a setup link:\n${server.output()}`);
  const page = await who();
  await page.goto(server.setupLink);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByLabel('Nom affiché').fill('Hélène Marchand');
  await page.getByLabel('Identifiant de connexion').fill('admin');
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer le compte administrateur' }).click();
  await page.waitForURL(/\/admin$/);

  await page.goto(`${server.base}/admin/assemblies`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.getByLabel('Nom de l’assemblée').fill('Assemblée citoyenne de Val-de-Brise');
  await page.getByLabel('Commune').fill('Val-de-Brise');
  await page.getByLabel('Présentation').fill('Trente-cinq habitants tirés au sort pour améliorer l’accueil du public.');
  await page.getByRole('button', { name: 'Créer une assemblée' }).click();
  await page.waitForURL(/\/admin\/assemblies\/\d+$/);
  s.assembly = Number(page.url().match(/\/admin\/assemblies\/(\d+)$/)[1]);
  await page.getByRole('heading', { name: 'Assemblée citoyenne de Val-de-Brise', level: 1 }).waitFor();
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });

  s.links = {};
  let previous = '';
  for (const [key, role, name] of [
    ['fac', 'facilitator', 'Fatou Sall'],
    ['a', 'member', 'Awa Diallo'],
    ['b', 'member', 'Bastien Roux'],
    ['c', 'member', 'Chloé Martin'],
    ['d', 'member', 'David Nguyen'],
  ]) {
    await page.getByLabel('Rôle', { exact: true }).first().selectOption(role);
    await page.getByLabel('Nom de la personne invitée (facultatif)').fill(name);
    await page.getByRole('button', { name: 'Créer une invitation' }).click();
    const link = page.getByLabel('Lien à transmettre');
    previous = await until(
      async () => ((await link.count()) ? link.inputValue() : ''),
      (v) => v !== '' && v !== previous,
      `a new invitation link for ${name}`,
    );
    assert.match(previous, /\/invitation\/[A-Za-z0-9_-]{43}$/);
    s.links[key] = previous;
  }
  await page.context().close();

  s.fac = await accept(s.links.fac, 'fatou');
  s.a = await accept(s.links.a, 'awa');
  s.b = await accept(s.links.b, 'bastien');
  s.c = await accept(s.links.c, 'chloe');
  s.d = await accept(s.links.d, 'david');
  assert.match(s.a.url(), new RegExp(`/assemblies/${s.assembly}$`), 'accepting leads to the assembly page');
});

test('member A proposes an objective, with a preview of the formatted text', async () => {
  const page = s.a;
  await page.goto(`${server.base}/assemblies/${s.assembly}`);
  await check(page, 'assembly page (member A)');
  await page.getByRole('link', { name: 'Proposer un objectif' }).click();
  await page.waitForURL(new RegExp(`/assemblies/${s.assembly}/objectives/new$`));
  await page.getByRole('heading', { name: 'Proposer un objectif', level: 1 }).waitFor();
  await check(page, 'new objective form');

  await page.getByLabel('Titre de l’objectif').fill(A_TITLE);
  await page.getByLabel('Description', { exact: true }).fill(A_BODY);
  await page.getByLabel('Canal d’accueil concerné').selectOption({ label: 'Horaires d’ouverture' });
  await page.getByLabel('Cible mesurable (facultatif)').fill(A_TARGET);
  await page.getByRole('button', { name: 'Aperçu du texte' }).click();
  const preview = page.getByRole('region', { name: 'Aperçu', exact: true });
  await preview.waitFor();
  await preview.locator('strong', { hasText: 'seize heures' }).waitFor();
  assert.equal(await preview.getByText('**').count(), 0, 'the preview shows formatting, not Markdown marks');
  await check(page, 'new objective form with its preview');

  await page.getByRole('button', { name: 'Publier', exact: true }).click();
  await page.waitForURL(/\/objectives\/\d+$/);
  s.objectiveA = Number(page.url().match(/\/objectives\/(\d+)$/)[1]);
  await page.getByRole('heading', { name: A_TITLE, level: 1 }).waitFor();
  const article = page.getByRole('article').filter({ has: page.getByRole('heading', { name: A_TITLE }) });
  await article.locator('strong', { hasText: 'seize heures' }).waitFor();
  await article.getByText(A_TARGET).waitFor();
  await article.getByText('Proposé', { exact: true }).waitFor();
  await check(page, 'objective page of A (author)');
});

test('member B, without JavaScript, fixes a refused title, saves a draft, reads it, then publishes it', async () => {
  const page = await who({ javaScript: false });
  s.bNoJs = page;
  await page.goto(`${server.base}/login`);
  await check(page, 'login page without JavaScript');
  await page.getByLabel('Identifiant').fill('bastien');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('link', { name: 'Mon compte' }).waitFor();

  await page.goto(`${server.base}/assemblies/${s.assembly}`);
  await check(page, 'assembly page without JavaScript');
  await page.getByRole('link', { name: 'Proposer un objectif' }).click();
  await page.getByRole('heading', { name: 'Proposer un objectif', level: 1 }).waitFor();
  await check(page, 'new objective form without JavaScript');
  assert.equal(await page.getByRole('button', { name: 'Aperçu du texte' }).count(), 0,
    'no preview button without JavaScript (the draft is the preview)');

  await page.getByLabel('Titre de l’objectif').fill('Bus');
  await page.getByLabel('Description', { exact: true }).fill(B_BODY);
  await page.getByLabel('Canal d’accueil concerné').selectOption({ label: 'Téléphone' });
  await page.getByRole('button', { name: 'Publier', exact: true }).click();
  await page.getByText('C’est trop court.').waitFor();
  const title = page.getByLabel('Titre de l’objectif');
  assert.equal(await title.getAttribute('aria-invalid'), 'true', 'the title field is marked invalid');
  const describedBy = (await title.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  assert.ok(errorId, `the title field points to its error message (aria-describedby="${describedBy}")`);
  assert.match(await page.locator(`#${errorId}`).innerText(), /C’est trop court\./, 'the error sits beside the title field');
  assert.equal(await page.getByLabel('Description', { exact: true }).inputValue(), B_BODY, 'the typed description is kept');
  assert.equal(await title.inputValue(), 'Bus', 'the typed title is kept');
  assert.equal(await page.getByLabel('Canal d’accueil concerné').inputValue(), 'phone', 'the chosen channel is kept');
  await check(page, 'new objective form with an error, without JavaScript');

  await title.fill(B_TITLE);
  await page.getByRole('button', { name: 'Enregistrer comme brouillon' }).click();
  await page.waitForURL(/\/objectives\/\d+$/);
  s.objectiveB = Number(page.url().match(/\/objectives\/(\d+)$/)[1]);
  await page.getByRole('heading', { name: B_TITLE, level: 1 }).waitFor();
  await page.getByText('Brouillon : vous seul le voyez.', { exact: false }).waitFor();
  await page.locator('article em', { hasText: 'sans réponse' }).waitFor();
  await check(page, 'draft page without JavaScript');

  await page.getByRole('button', { name: 'Publier', exact: true }).click();
  await page.getByText('Proposé', { exact: true }).first().waitFor();
  assert.equal(await page.getByText('Brouillon : vous seul le voyez.', { exact: false }).count(), 0,
    'the draft notice is gone once published');
  assert.equal(new URL(page.url()).pathname, `/objectives/${s.objectiveB}`, 'publishing stays on the objective page');
  await check(page, 'published objective without JavaScript');
});

// Needs only the two published objectives, so it runs even if the discussion steps fail.
nodeTest('the search ignores accents and capitals', async (t) => {
  if (!s.objectiveA || !s.objectiveB) {
    t.skip('the objectives were not both published');
    return;
  }
  const page = await who();
  await page.goto(`${server.base}/assemblies/${s.assembly}`);
  await check(page, 'assembly page before searching');
  await page.getByLabel(/^Rechercher/).fill('ELARGIR');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.waitForURL(/[?&]q=ELARGIR/);
  await page.getByText('Objectifs trouvés : 1', { exact: false }).waitFor();
  await page.getByRole('link', { name: A_TITLE }).waitFor();
  assert.equal(await page.getByRole('link', { name: B_TITLE }).count(), 0, 'the other objective is filtered out');
  assert.equal(await page.getByLabel(/^Rechercher/).inputValue(), 'ELARGIR', 'the search box keeps the query');
  await check(page, 'assembly page with search results');
  await page.context().close();
});

test('member B supports A’s objective and comments against it', async () => {
  const page = s.b;
  await openObjective(page, s.objectiveA, A_TITLE, 'objective of A seen by B');
  const supports = page.getByRole('region', { name: 'Soutiens', exact: true });
  await supports.getByText(/^Soutiens : 0 /).waitFor();
  await supports.getByRole('button', { name: 'Soutenir cet objectif' }).click();
  await supports.getByRole('button', { name: 'Retirer mon soutien' }).waitFor();
  await supports.getByText(/^Soutiens : 1 /).waitFor();
  await check(page, 'objective of A after B’s support');

  const form = page.getByRole('form', { name: 'Donner mon avis' });
  await form.getByRole('group', { name: 'Votre position' }).getByRole('radio', { name: 'Contre' }).check();
  await form.getByLabel('Votre commentaire').fill(B_COMMENT);
  await form.getByRole('button', { name: 'Publier le commentaire' }).click();
  await commentArticle(page, B_COMMENT).waitFor();
  const counts = page.getByRole('list', { name: 'Avis exprimés' });
  await counts.getByText('Contre : 1').waitFor();
  assert.equal(await counts.getByText('Pour : 0').count(), 1, 'no comment in favour yet');
  await check(page, 'objective of A with B’s comment');
});

test('member C replies to B’s comment, and the reply is nested under it', async () => {
  const page = s.c;
  await openObjective(page, s.objectiveA, A_TITLE, 'objective of A seen by C');
  const details = await openDetails(commentArticle(page, B_COMMENT), 'Répondre');
  const form = details.getByRole('form', { name: 'Répondre' });
  await check(page, 'objective of A with the reply form open');
  await form.getByRole('radio', { name: 'Pour' }).check();
  const textarea = form.getByLabel('Votre commentaire');
  assert.equal(await textarea.count(), 1,
    'the reply form’s “Votre commentaire” label names the reply’s own textarea (not the main comment form’s)');
  await textarea.fill(C_REPLY);
  await form.getByRole('button', { name: 'Publier le commentaire' }).click();
  await commentArticle(page, C_REPLY).waitFor();
  const thread = page.getByRole('listitem').filter({ has: commentArticle(page, B_COMMENT) });
  assert.equal(await thread.getByRole('article').filter({ hasText: C_REPLY }).count(), 1,
    'the reply sits inside the thread of B’s comment');
  assert.equal(await thread.getByRole('list').getByRole('article').filter({ hasText: C_REPLY }).count(), 1,
    'the reply is in the list of replies of B’s comment');
  await page.getByRole('list', { name: 'Avis exprimés' }).getByText('Pour : 1').waitFor();
  await check(page, 'objective of A with C’s reply');
});

test('three members report B’s comment: it is hidden pending review', async () => {
  await openObjective(s.a, s.objectiveA, A_TITLE, 'objective of A seen by its author');
  await reportComment(s.a, B_COMMENT, 'données personnelles', 'A', { checkForm: true });
  await check(s.a, 'objective of A after A’s report');

  await reportComment(s.c, B_COMMENT, 'données personnelles', 'C');
  await check(s.c, 'objective of A after C’s report');

  await openObjective(s.d, s.objectiveA, A_TITLE, 'objective of A seen by D');
  await reportComment(s.d, B_COMMENT, 'irrespectueux', 'D');
  await check(s.d, 'objective of A after the third report');
  await openObjective(s.d, s.objectiveA, A_TITLE, 'objective of A seen again by D, comment pending');
  await s.d.getByText(PENDING).waitFor();
  assert.equal(await s.d.getByText(B_COMMENT).count(), 0, 'the reported comment’s text is gone for members too');

  const visitor = await who();
  await openObjective(visitor, s.objectiveA, A_TITLE, 'objective of A seen by a visitor, comment pending');
  assert.equal(await visitor.getByText(B_COMMENT).count(), 0, 'the reported comment’s text is gone');
  await visitor.getByText(PENDING).waitFor();
  await commentArticle(visitor, C_REPLY).waitFor();
  await visitor.context().close();
});

test('the facilitator restores the comment from the moderation queue, then hides it for personal data', async () => {
  const page = s.fac;
  await page.goto(`${server.base}/assemblies/${s.assembly}`);
  await check(page, 'assembly page (facilitator)');
  await page.getByRole('link', { name: 'Modération' }).click();
  await page.waitForURL(new RegExp(`/assemblies/${s.assembly}/moderation$`));
  await page.getByRole('heading', { name: 'Modération', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Contenus signalés : 1' }).waitFor();
  await page.getByText(B_COMMENT).waitFor();
  await page.getByText(PENDING).waitFor();
  await check(page, 'moderation queue');

  await page.getByRole('checkbox', { name: 'Commentaire · Bastien Roux' }).check();
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Rétablir' });
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await page.getByText('Rien à examiner pour l’instant.').waitFor();
  await page.getByRole('region', { name: 'Journal de modération' }).getByRole('listitem')
    .filter({ hasText: 'Fatou Sall' }).filter({ hasText: 'rétablissement' }).waitFor();
  await check(page, 'moderation queue after restoring');

  const visitor = await who();
  await openObjective(visitor, s.objectiveA, A_TITLE, 'objective of A seen by a visitor, comment restored');
  await commentArticle(visitor, B_COMMENT).waitFor();
  await visitor.context().close();

  await openObjective(page, s.objectiveA, A_TITLE, 'objective of A seen by the facilitator');
  const hide = await openDetails(commentArticle(page, B_COMMENT), 'Masquer');
  await hide.getByLabel('Motif').selectOption({ label: 'données personnelles' });
  await check(page, 'objective of A with the hide form open');
  await hide.locator('form').getByRole('button', { name: 'Masquer', exact: true }).click();
  await page.getByText(HIDDEN).waitFor();
  assert.equal(await page.getByText(B_COMMENT).count(), 0, 'the hidden comment’s text is gone for the facilitator too');
  await check(page, 'objective of A after hiding B’s comment');
});

test('a visitor without an account sees the objectives, the discussion and the moderation reason', async () => {
  const page = await who();
  await page.goto(`${server.base}/assemblies/${s.assembly}`);
  await page.getByRole('heading', { name: 'Assemblée citoyenne de Val-de-Brise', level: 1 }).waitFor();
  await check(page, 'assembly page seen by a visitor');
  assert.equal(await page.getByRole('link', { name: 'Proposer un objectif' }).count(), 0, 'a visitor cannot propose');
  await page.getByRole('link', { name: B_TITLE }).waitFor();
  await page.getByRole('link', { name: A_TITLE }).click();
  await page.waitForURL(new RegExp(`/objectives/${s.objectiveA}$`));
  await page.getByRole('heading', { name: A_TITLE, level: 1 }).waitFor();
  await check(page, 'objective of A seen by a visitor');
  await page.locator('article strong', { hasText: 'seize heures' }).waitFor();
  await page.getByRole('region', { name: 'Soutiens', exact: true }).getByText(/^Soutiens : 1 /).waitFor();
  await page.getByText(HIDDEN).waitFor();
  assert.equal(await page.getByText(B_COMMENT).count(), 0, 'B’s comment text is not shown');
  await commentArticle(page, C_REPLY).waitFor();
  const thread = page.getByRole('listitem').filter({ has: page.getByText(HIDDEN) });
  assert.equal(await thread.getByRole('article').filter({ hasText: C_REPLY }).count(), 1,
    'C’s reply is still nested under the hidden comment');
  assert.equal(await page.getByRole('button', { name: 'Publier le commentaire' }).count(), 0, 'a visitor cannot comment');
  await page.getByRole('link', { name: 'Connectez-vous pour participer' }).first().waitFor();
  await page.context().close();
});

test('while member D types a title close to A’s, the form points to A’s objective', async () => {
  const page = s.d;
  await page.goto(`${server.base}/assemblies/${s.assembly}/objectives/new`);
  await check(page, 'new objective form (member D)');
  await page.getByLabel('Titre de l’objectif').pressSequentially('Horaires du guichet élargis', { delay: 20 });
  const similar = page.locator('.similar');
  await similar.getByText('Des objectifs proches existent déjà', { exact: false }).waitFor();
  const link = similar.getByRole('link', { name: new RegExp(A_TITLE) });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `/objectives/${s.objectiveA}`);
  assert.equal(await similar.getByRole('link', { name: new RegExp(B_TITLE) }).count(), 0, 'an unrelated title is not suggested');
  assert.equal(await page.getByLabel('Titre de l’objectif').inputValue(), 'Horaires du guichet élargis', 'what D typed stays');
  await check(page, 'new objective form with similar objectives');
});
