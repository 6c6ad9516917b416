//! `/open-data`: every file of every assembly with its CSV and JSON links and its feed,
//! the terms (licence, formats, what is left out), and each dataset's columns explained.
use super::{file_path, Format, DATASETS};
use crate::assemblies::api::list_assemblies;
use crate::assemblies::Assembly;
use crate::i18n::*;
use crate::layout::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;

const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let assemblies = Resource::new(|| (), |_| list_assemblies());
    view! {
        <Title text=td_string!(locale, open_data.title) />
        <h1>{t!(i18n, open_data.title)}</h1>
        <p class="lead">{t!(i18n, open_data.lead)}</p>
        <section aria-labelledby="terms-heading" class="open-data-terms">
            <h2 id="terms-heading">{t!(i18n, open_data.terms)}</h2>
            <p>
                <strong>{t!(i18n, open_data.licence)}</strong>" "
                <a href=LICENCE_URL rel="external license" lang="fr" hreflang="fr">"Licence ouverte Etalab 2.0"</a>
                ". "{t!(i18n, open_data.licence_text)}
            </p>
            <ul>
                <li>{t!(i18n, open_data.urls)}</li>
                <li>{t!(i18n, open_data.csv_note)}</li>
                <li>{t!(i18n, open_data.json_note)}</li>
                <li>{t!(i18n, open_data.dates_note)}</li>
                <li>{t!(i18n, open_data.privacy_note)}</li>
            </ul>
        </section>
        <section aria-labelledby="files-heading">
            <h2 id="files-heading">{t!(i18n, open_data.files)}</h2>
            <Loaded data=assemblies render={move |list: Vec<Assembly>| if list.is_empty() {
                view! { <p>{t!(i18n, open_data.no_assembly)}</p> }.into_any()
            } else {
                list.into_iter().map(|a| view! { <AssemblyFiles id=a.id.0 name=a.name /> }).collect_view().into_any()
            }} />
            <p>{t!(i18n, open_data.feeds_note)}</p>
            <p>{t!(i18n, open_data.feeds_lang)}</p>
        </section>
        <section aria-labelledby="columns-heading">
            <h2 id="columns-heading">{t!(i18n, open_data.columns)}</h2>
            {DATASETS.iter().map(|d| view! { <DatasetColumns name=d.name /> }).collect_view()}
        </section>
    }
}

/// One assembly's files: a row per dataset with its two links, then its feed.
#[component]
fn AssemblyFiles(id: i64, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let english = locale == Locale::en;
    let heading = format!("assembly-{id}");
    let caption = format!("assembly-{id}-files");
    let caption_ref = caption.clone();
    let labelled = heading.clone();
    let title = name.clone();
    view! {
        <section aria-labelledby=labelled class="open-data-assembly">
            <h3 id=heading>{name.clone()}</h3>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby=caption_ref>
                <table class="data open-data-files">
                    <caption id=caption>{t!(i18n, open_data.files_of, name = title.clone())}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, open_data.dataset)}</th>
                        <th scope="col">{t!(i18n, open_data.csv)}</th>
                        <th scope="col">{t!(i18n, open_data.json)}</th>
                    </tr></thead>
                    <tbody>
                        {DATASETS.iter().map(|d| {
                            let csv = file_path(id, d.name, Format::Csv);
                            let json = file_path(id, d.name, Format::Json);
                            view! {
                                <tr>
                                    <th scope="row"><a href=format!("#dataset-{}", d.name)>{d.title(english)}</a></th>
                                    <td><a href=csv rel="external" download=format!("{}.csv", d.name)>{format!("{}.csv", d.name)}</a></td>
                                    <td><a href=json rel="external">{format!("{}.json", d.name)}</a></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=format!("/assemblies/{id}/feed.atom") rel="external" type="application/atom+xml">{t!(i18n, open_data.feed)}</a></p>
        </section>
    }
}

/// A column name that may wrap after its underscores on a narrow screen (copying it
/// still gives the name as it is).
fn breakable(name: &'static str) -> impl IntoView {
    let parts: Vec<&'static str> = name.split_inclusive('_').collect();
    parts.into_iter().map(|p| view! { {p}<wbr /> }).collect_view()
}

/// A dataset's description and the table of its columns.
#[component]
fn DatasetColumns(name: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let english = i18n.get_locale_untracked() == Locale::en;
    let Some(d) = DATASETS.iter().find(|d| d.name == name) else { return ().into_any() };
    let heading = format!("dataset-{name}");
    let labelled = heading.clone();
    let caption = format!("dataset-{name}-columns");
    let caption_ref = caption.clone();
    let title = d.title(english);
    view! {
        <section aria-labelledby=labelled class="open-data-dataset">
            <h3 id=heading>{title}" "<code>{name}</code></h3>
            <p>{d.about(english)}</p>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby=caption_ref>
                <table class="data open-data-columns">
                    <caption id=caption>{t!(i18n, open_data.columns_of, name = title)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, open_data.column)}</th>
                        <th scope="col">{t!(i18n, open_data.kind)}</th>
                        <th scope="col">{t!(i18n, open_data.meaning)}</th>
                    </tr></thead>
                    <tbody>
                        {d.columns.iter().map(|c| view! {
                            <tr>
                                <th scope="row"><code>{breakable(c.name)}</code></th>
                                <td>{c.kind.label(english)}{c.optional.then(|| view! { ", "{t!(i18n, open_data.optional)} })}</td>
                                <td>{c.meaning(english)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
