//! Nothing a person types can leave its place in a page (issue #6): text that closes its
//! text box, its attribute, its script or its title is shown as text, in the forms that
//! bring a refused post back without JavaScript (reflected) and in the edit forms that show
//! what was stored (stored). Pages are parsed as a browser does (html5ever), and the test
//! asserts that no element the page did not put there exists. The values brought back by a
//! refused post reach only the browser that typed them: a link crafted by someone else
//! shows an empty form.
mod common;

use common::{adopted_objective, Browser, Reply, TestApp};

use scraper::{Html, Selector};

/// Each payload tries to close one context and plant marked elements: a visible element, a
/// redirecting `<meta>` and a same-origin form, as in the audit's exploits.
const PAYLOADS: [&str; 4] = [
    "</textarea><i data-planted=\"textarea\">x</i><meta data-planted=\"meta\" http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "\"><i data-planted=\"attr\">x</i><form data-planted=\"form\" action=\"/api/update_profile\"><input name=\"email\" value=\"a@evil.example\"></form>",
    "'></script></title></style></noscript><i data-planted=\"raw\">x</i><!--",
    "]]></option></select><svg data-planted=\"svg\" onload=\"alert(1)\"></svg>&amp;&lt;i data-planted=\"entity\"&gt;",
];

/// The elements a payload planted in `html`, if any (their `data-planted` values), plus any
/// `<meta http-equiv>` (a page of ours never has one).
fn planted(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found: Vec<String> = doc
        .select(&Selector::parse("[data-planted]").expect("selector"))
        .map(|e| e.value().attr("data-planted").unwrap_or_default().to_owned())
        .collect();
    found.extend(doc.select(&Selector::parse("meta[http-equiv]").expect("selector")).map(|_| "meta http-equiv".into()));
    found
}

/// The error messages a page shows beside its fields or above its forms.
fn messages(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse(".field-error, .form-error").expect("selector"))
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// What the form control named `name` holds: a text box's text or an input's value.
fn control_values(html: &str, name: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let boxes = Selector::parse(&format!("textarea[name=\"{name}\"]")).expect("selector");
    let inputs = Selector::parse(&format!("input[name=\"{name}\"]")).expect("selector");
    doc.select(&boxes)
        .map(|e| e.text().collect::<String>())
        .chain(doc.select(&inputs).filter_map(|e| e.value().attr("value").map(str::to_owned)))
        .collect()
}

/// Posts `form` without JavaScript from `page`, follows the bounce back and checks the
/// page: nothing planted, and every field in `typed` shown again exactly as typed. Then
/// someone else who sees the same form (`other`) opens the same address: nothing typed
/// comes back to them, and no message either.
async fn bounced_back_intact(
    (who, other): (&Browser, &Browser),
    page: &str,
    endpoint: &str,
    form: &[(&str, &str)],
    typed: &[&str],
) {
    let r = who.post_form(endpoint, page, form).await;
    assert!(r.status.is_redirection(), "{endpoint} from {page} should bounce back: {r:?}");
    let location = r.location().expect("location").to_owned();
    assert!(location.contains("feedback="), "{endpoint}: {location}");
    let path = location.strip_prefix(&who.base).unwrap_or(&location).to_owned();
    let back = who.get(&path).await;
    assert_eq!(back.status.as_u16(), 200, "{endpoint}: {path}");
    assert_eq!(planted(&back.body), Vec::<String>::new(), "{endpoint}: elements planted through {path}");
    for field in typed {
        let value = form.iter().find(|(k, _)| k == field).map(|(_, v)| *v).expect("typed field");
        assert!(
            control_values(&back.body, field).iter().any(|v| v == value),
            "{endpoint}: field {field} should come back as typed, got {:?}",
            control_values(&back.body, field)
        );
    }
    let theirs = other.get(&path).await;
    assert_eq!(theirs.status.as_u16(), 200, "{endpoint}: {path} for someone else");
    assert_eq!(planted(&theirs.body), Vec::<String>::new(), "{endpoint}: planted for someone else");
    assert!(!messages(&back.body).is_empty(), "{endpoint}: the typist sees why");
    assert_eq!(messages(&theirs.body), Vec::<String>::new(), "{endpoint}: someone else's link shows no message");
    for field in typed {
        let value = form.iter().find(|(k, _)| k == field).map(|(_, v)| *v).expect("typed field");
        assert!(
            !control_values(&theirs.body, field).iter().any(|v| v == value),
            "{endpoint}: a link made by someone else must not fill {field}"
        );
    }
}

fn s(n: i64) -> String {
    n.to_string()
}

async fn typed_text_never_leaves_its_place_when_a_form_comes_back(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let staff = app.person(&a.admin, a.id, "staff", "agent").await;
    let other_staff = app.person(&a.admin, a.id, "staff", "collegue").await;
    let other_admin = app.person(&a.admin, a.id, "admin", "admin2").await;
    let member = &a.members[0];
    let (as_member, as_admin, as_staff) = ((member, &a.members[2]), (&a.admin, &other_admin), (&staff, &other_staff));
    let objective = member.propose(a.id, "Rappeler sous 48 heures", "phone").await;
    let comment = a.members[1].comment(objective, None, "for", "Oui, avec un suivi.").await;
    let (adopted, _) = adopted_objective(&a, "Répondre aux courriels sous cinq jours").await;
    // A second adopted objective, left without a commitment, keeps the outcomes page's form.
    adopted_objective(&a, "Annoncer le temps d’attente au guichet").await;
    let r = staff
        .call(
            "create_commitment",
            &[
                ("objective_id", &s(adopted)),
                ("service", "Accueil"),
                ("contact_role", "responsable"),
                ("target_date", "2027-06-30"),
                ("summary", "Réponse sous cinq jours."),
            ],
        )
        .await;
    let commitment: i64 = r.json();
    let (assembly, objective_page) = (s(a.id), format!("/objectives/{objective}"));
    let long_title = format!("{} {}", PAYLOADS[0], "x".repeat(130));
    for p in PAYLOADS {
        // A new objective: the title is too long, so the whole form comes back.
        let new_page = format!("/assemblies/{assembly}/objectives/new");
        let form = [
            ("assembly_id", assembly.as_str()),
            ("title", long_title.as_str()),
            ("body", p),
            ("channel", "phone"),
            ("target", p),
            ("intent", "publish"),
        ];
        bounced_back_intact(as_member, &new_page, "create_objective", &form, &["body", "target"]).await;
        // A comment and a reply, refused for a stance that does not exist.
        let o = s(objective);
        let form = [("objective_id", o.as_str()), ("stance", "peut-être"), ("body", p)];
        bounced_back_intact(as_member, &objective_page, "add_comment", &form, &["body"]).await;
        let c = s(comment);
        let form = [("objective_id", o.as_str()), ("stance", "peut-être"), ("body", p), ("parent_id", c.as_str())];
        bounced_back_intact(as_member, &objective_page, "add_comment", &form, &["body"]).await;
        // An assembly's description, refused for an empty name.
        let form = [("name", ""), ("town", p), ("description", p)];
        bounced_back_intact(as_admin, "/admin/assemblies", "create_assembly", &form, &["town", "description"]).await;
        // A commitment's summary on the outcomes page, refused for a date that is no date.
        let outcomes = format!("/assemblies/{assembly}/outcomes");
        let form =
            [("objective_id", "0"), ("service", p), ("contact_role", p), ("target_date", "demain"), ("summary", p)];
        bounced_back_intact(as_staff, &outcomes, "create_commitment", &form, &["service", "summary"]).await;
        // The same fields in the commitment's edit form, refused for an empty service.
        let page = format!("/commitments/{commitment}");
        let cid = s(commitment);
        let form = [("commitment_id", cid.as_str()), ("service", ""), ("contact_role", p), ("summary", p)];
        bounced_back_intact(as_staff, &page, "edit_commitment", &form, &["contact_role", "summary"]).await;
        // A progress update too long to be posted.
        let too_long = format!("{p}{}", "x".repeat(10_001));
        let form = [("commitment_id", cid.as_str()), ("body", too_long.as_str())];
        bounced_back_intact(as_staff, &page, "post_update", &form, &["body"]).await;
        // One's display name and address (attribute context), refused for a bad address.
        let form = [("display_name", p), ("email", "pas une adresse")];
        bounced_back_intact(as_member, "/profile", "update_profile", &form, &["display_name"]).await;
    }
}

async fn stored_text_never_leaves_its_place_in_edit_forms(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let staff = app.person(&a.admin, a.id, "staff", "agent").await;
    let member = &a.members[0];
    let (adopted, _) = adopted_objective(&a, "Ouvrir l’accueil le samedi matin").await;
    for (i, p) in PAYLOADS.into_iter().enumerate() {
        // One's own draft, in its edit form.
        let r = member.propose_with(a.id, &format!("Brouillon numéro {i}"), p, "phone", "draft").await;
        assert!(r.ok(), "{r:?}");
        let draft: i64 = r.json();
        let page = member.get(&format!("/objectives/{draft}/edit")).await;
        assert_eq!(page.status.as_u16(), 200);
        assert_eq!(planted(&page.body), Vec::<String>::new(), "draft edit form");
        assert!(control_values(&page.body, "body").iter().any(|v| v == p), "the draft's text as typed");
        // One's own comment, in its edit form on the objective's page.
        let objective = a.members[1].propose(a.id, &format!("Objectif public {i}"), "phone").await;
        member.comment(objective, None, "neutral", p).await;
        let page = member.get(&format!("/objectives/{objective}")).await;
        assert_eq!(planted(&page.body), Vec::<String>::new(), "comment edit form");
        assert!(control_values(&page.body, "body").iter().any(|v| v == p), "the comment's text in its edit form");
        // A commitment's summary, in the edit form other staff open.
        if i == 0 {
            let r = staff
                .call(
                    "create_commitment",
                    &[
                        ("objective_id", &s(adopted)),
                        ("service", "Accueil"),
                        ("contact_role", "responsable"),
                        ("target_date", "2027-06-30"),
                        ("summary", p),
                    ],
                )
                .await;
            let commitment: i64 = r.json();
            let colleague = app.person(&a.admin, a.id, "staff", "collegue").await;
            let page: Reply = colleague.get(&format!("/commitments/{commitment}")).await;
            assert_eq!(planted(&page.body), Vec::<String>::new(), "commitment edit form");
            assert!(control_values(&page.body, "summary").iter().any(|v| v == p), "the summary in its edit form");
        }
    }
}

on_both_backends!(
    typed_text_never_leaves_its_place_when_a_form_comes_back,
    stored_text_never_leaves_its_place_in_edit_forms,
);
